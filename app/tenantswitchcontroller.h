#pragma once

#include <QObject>
#include <QUuid>

namespace EasyCrm::Ui {
class TenantSwitcher;
}

namespace EasyCrm::App {

class AppShell;

// Wires "Acting on" in the navigation to the open session:
//
//   sessionChanged ─► shown to a host administrator only (TenantScope::maySwitch), with the
//                     tenants of AbpTenants and the one acted on now; hidden for anyone else
//   menu opens     ─► the tenants are read again (another admin may have added one)
//   a choice       ─► AppShell::actOnTenant ─► a new session on that tenant (sessionChanged)
//                                           └► the reason under the button
class TenantSwitchController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TenantSwitchController)

public:
    TenantSwitchController(AppShell *shell, Ui::TenantSwitcher *switcher,
                           QObject *parent = nullptr);

private:
    void onSessionChanged();
    void reloadTenants();
    void onTenantRequested(const QUuid &tenantId);

    AppShell *m_shell;
    Ui::TenantSwitcher *m_switcher;
};

} // namespace EasyCrm::App
