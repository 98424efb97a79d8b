#include "core/service/tenantscope.h"

#include "core/service/crmcontract.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcService)

namespace EasyCrm {

namespace {

Error notHostAdmin()
{
    return makeError(
        ErrorCode::PermissionDenied,
        TenantScope::tr("Only a host administrator can act on another tenant."),
        QStringLiteral("needs a host user holding %1").arg(Contract::kPermissionManageProviders));
}

} // namespace

bool TenantScope::maySwitch(const SessionUser &user)
{
    return user.isHostUser() && user.isGranted(Contract::kPermissionManageProviders);
}

Result<QList<Db::TenantRecord>> TenantScope::tenants(Db::Database &db, const SessionUser &user)
{
    if (!maySwitch(user))
        return notHostAdmin();
    return Db::IdentityReader(db).tenants();
}

Result<SessionUser> TenantScope::actingOn(Db::Database &db, const SessionUser &user,
                                          const std::optional<QUuid> &tenantId)
{
    if (!maySwitch(user)) {
        qCWarning(lcService) << "acting on another tenant refused: not a host administrator";
        return notHostAdmin();
    }
    SessionUser acting = user;
    acting.tenantId.reset();
    acting.tenantName.clear();
    acting.actingOnTenant = false;
    if (tenantId) {
        auto tenant = Db::IdentityReader(db).findTenant(*tenantId);
        if (!tenant)
            return tenant.error();
        if (!tenant.value())
            return makeError(ErrorCode::NotFound, tr("That tenant no longer exists in the CRM."),
                             tenantId->toString(QUuid::WithoutBraces));
        acting.tenantId = tenant.value()->id;
        acting.tenantName = tenant.value()->name;
        acting.actingOnTenant = true;
    }
    qCInfo(lcService) << "host administrator now acts on" << (tenantId ? "a tenant" : "the host");
    return acting;
}

} // namespace EasyCrm
