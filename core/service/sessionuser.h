#pragma once

#include <QSet>
#include <QString>
#include <QUuid>

#include <optional>

namespace EasyCrm {

// Who is signed in, and on which tenant they act. Everything written carries these.
struct SessionUser
{
    std::optional<QUuid> tenantId; // the tenant acted on; empty = host
    QString tenantName;
    QUuid userId;
    QString userName;
    // The AbpPermissionGrants names granted to the user directly ("U") or through one of
    // their roles ("R"), read at sign-in; the UI and the core both decide on them.
    QSet<QString> permissions;
    // A host user acting on a tenant (TenantScope): tenantId and tenantName are that tenant's,
    // while the user still belongs to the host (AbpUsers.TenantId NULL).
    bool actingOnTenant = false;

    [[nodiscard]] bool isGranted(const QString &permission) const
    {
        return permissions.contains(permission);
    }
    [[nodiscard]] bool isHostUser() const { return !tenantId || actingOnTenant; }
};

} // namespace EasyCrm
