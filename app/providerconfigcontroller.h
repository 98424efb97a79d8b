#pragma once

#include "core/service/providersettings.h"

#include <QObject>

#include <functional>

namespace EasyCrm {
class ProviderConfigService;
}
namespace EasyCrm::Ui {
class ProviderConfigPage;
}

namespace EasyCrm::App {

// Wires Settings — Social Integration — Providers to the provider configuration service: the
// page asks, the service checks and stores, and the page shows what the database now holds.
class ProviderConfigController final : public QObject
{
    Q_OBJECT

public:
    using Confirm = std::function<bool(const QString &providerName, bool hostDefaultExists)>;

    ProviderConfigController(ProviderConfigService *service, Ui::ProviderConfigPage *page,
                             QObject *parent = nullptr);

    // Asked before "Use host default" removes the tenant's own settings; the default asks the
    // person in a dialog.
    void setConfirmUseHostDefault(Confirm confirm) { m_confirm = std::move(confirm); }

public slots:
    void reload();

private:
    void onSave(ProviderEdit edit);
    // By value: reloading the page replaces what the signal's arguments referred to.
    void onUseHostDefault(QString providerKey, QString shownStamp);
    void onTest(const ProviderEdit &edit);
    void showFailure(const Error &error);
    [[nodiscard]] QString providerName(const QString &providerKey) const;

    ProviderConfigService *m_service;
    Ui::ProviderConfigPage *m_page;
    Confirm m_confirm;
};

} // namespace EasyCrm::App
