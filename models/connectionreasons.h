#pragma once

#include <QCoreApplication>
#include <QString>

namespace EasyCrm::Models {

// The codes the service and the refresh scheduler record for a connection (its status reason,
// each history entry's reason) in words a person reads. The codes stay the stored contract;
// only what is shown is translated. An unknown code is shown as it is.
class ConnectionReasons final
{
    Q_DECLARE_TR_FUNCTIONS(ConnectionReasons)

public:
    ConnectionReasons() = delete;

    // Why a connection needs re-authentication; `providerName` such as LinkedIn.
    [[nodiscard]] static QString degradedText(const QString &code, const QString &providerName);

    // Why one state change of the connection's history happened, e.g. "Reconnected".
    [[nodiscard]] static QString historyText(const QString &code);
};

} // namespace EasyCrm::Models
