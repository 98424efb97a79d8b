#pragma once

#include <QString>
#include <QUuid>

#include <optional>

namespace EasyCrm {

// Who is signed in, and on which tenant they act. Everything written carries these.
struct SessionUser
{
    std::optional<QUuid> tenantId; // empty = host
    QString tenantName;
    QUuid userId;
    QString userName;
};

} // namespace EasyCrm
