#pragma once

// Which tenant a host administrator acts on, as ABP's ICurrentTenant.Change() lets host code
// work inside a tenant:
//
//   host admin (AbpUsers.TenantId NULL, holds EasyCrm.SocialCrm.ManageProviders)
//     ─► actingOn(tenant)  same user id, name and permissions; tenantId = that tenant, so every
//                          row written afterwards (connections, audit, jobs, security logs,
//                          notifications, provider configurations, brand accounts) carries it
//     ─► actingOn(host)    back to TenantId NULL
//   anyone else ─► PermissionDenied
//
// ABP's tenant management has no activation state of its own: an active tenant is one that is
// not (soft) deleted.

#include "core/common/result.h"
#include "core/db/identityreader.h"
#include "core/service/sessionuser.h"

#include <QCoreApplication>
#include <QList>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {
class Database;
}

namespace EasyCrm {

class TenantScope final
{
    Q_DECLARE_TR_FUNCTIONS(TenantScope)

public:
    // A host user holding ManageProviders: the module's host administrator.
    [[nodiscard]] static bool maySwitch(const SessionUser &user);
    // The tenants `user` may act on, by name. PermissionDenied for anyone but a host admin.
    [[nodiscard]] static Result<QList<Db::TenantRecord>> tenants(Db::Database &db,
                                                                 const SessionUser &user);
    // `user` acting on `tenantId` (empty = the host). PermissionDenied for anyone but a host
    // admin; NotFound for a tenant that does not exist or was deleted.
    [[nodiscard]] static Result<SessionUser> actingOn(Db::Database &db, const SessionUser &user,
                                                      const std::optional<QUuid> &tenantId);
};

} // namespace EasyCrm
