#include "app/tenantswitchcontroller.h"

#include "app/applogging.h"
#include "app/appshell.h"
#include "app/crmsession.h"
#include "core/service/tenantscope.h"
#include "ui/tenantswitcher.h"

namespace EasyCrm::App {

TenantSwitchController::TenantSwitchController(AppShell *shell, Ui::TenantSwitcher *switcher,
                                               QObject *parent)
    : QObject(parent)
    , m_shell(shell)
    , m_switcher(switcher)
{
    connect(shell, &AppShell::sessionChanged, this, &TenantSwitchController::onSessionChanged);
    connect(switcher, &Ui::TenantSwitcher::aboutToChoose, this,
            &TenantSwitchController::reloadTenants);
    connect(switcher, &Ui::TenantSwitcher::tenantRequested, this,
            &TenantSwitchController::onTenantRequested);
}

void TenantSwitchController::onSessionChanged()
{
    CrmSession *session = m_shell->session();
    const bool maySwitch = session && TenantScope::maySwitch(session->workspace().user());
    m_switcher->setVisible(maySwitch);
    if (!maySwitch)
        return;
    const SessionUser &user = session->workspace().user();
    m_switcher->setCurrent(user.tenantId.value_or(QUuid()), user.tenantName);
    reloadTenants();
}

// One short read of AbpTenants on the UI thread, as the session's other reads are.
void TenantSwitchController::reloadTenants()
{
    CrmSession *session = m_shell->session();
    if (!session)
        return;
    Workspace &workspace = session->workspace();
    const auto tenants = TenantScope::tenants(workspace.database(), workspace.user());
    if (!tenants) {
        qCWarning(lcDatabase).noquote()
            << "the tenants could not be listed:" << errorCodeName(tenants.error().code);
        m_switcher->showError(tenants.error().message);
        return;
    }
    QList<Ui::TenantSwitcher::Choice> choices;
    for (const Db::TenantRecord &tenant : tenants.value())
        choices << Ui::TenantSwitcher::Choice{tenant.id, tenant.name};
    m_switcher->setTenants(choices);
}

void TenantSwitchController::onTenantRequested(const QUuid &tenantId)
{
    const std::optional<QUuid> target = tenantId.isNull() ? std::nullopt : std::optional(tenantId);
    if (Result<void> switched = m_shell->actOnTenant(target); !switched) {
        m_switcher->showError(switched.error().message);
        reloadTenants(); // a tenant deleted meanwhile leaves the menu
    }
}

} // namespace EasyCrm::App
