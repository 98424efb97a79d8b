#pragma once

#include "models/connectiondetails.h"

#include <QDialog>

class QFormLayout;
class QTreeWidget;

namespace EasyCrm::Ui {

// A connection's details for support staff, opened from its row on Settings — Social
// Integration: token expiry, the last refresh and how it went, granted versus admin-enabled
// scopes, and the history of state changes. It shows what it is given and never a token.
class ConnectionDetailsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionDetailsDialog)

public:
    explicit ConnectionDetailsDialog(const Models::ConnectionDetails &details,
                                     QWidget *parent = nullptr);

    [[nodiscard]] static QString statusText(Db::ConnectionStatus status);
    // "2026-12-03 22:40" in local time, or "—" when unknown.
    [[nodiscard]] static QString timeText(const QDateTime &utc);

private:
    QWidget *buildHeader(const Models::ConnectionDetails &details);
    QWidget *buildTokens(const Models::ConnectionDetails &details);
    QTreeWidget *buildScopes(const Models::ConnectionDetails &details);
    QTreeWidget *buildHistory(const Models::ConnectionDetails &details);
};

} // namespace EasyCrm::Ui
