#pragma once

#include <QSet>
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
    // The AbpPermissionGrants names granted to the user directly ("U") or through one of
    // their roles ("R"), read at sign-in; the UI and the core both decide on them.
    QSet<QString> permissions;

    [[nodiscard]] bool isGranted(const QString &permission) const
    {
        return permissions.contains(permission);
    }
};

} // namespace EasyCrm
