#include "app/providerconfigcontroller.h"

#include "core/common/providercatalogue.h"
#include "core/common/secret.h"
#include "core/service/providerconfigservice.h"
#include "ui/providerconfigpage.h"

#include <QMessageBox>

namespace EasyCrm::App {

ProviderConfigController::ProviderConfigController(ProviderConfigService *service,
                                                   Ui::ProviderConfigPage *page, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_page(page)
{
    m_confirm = [page](const QString &name, bool hostDefaultExists) {
        const QString text =
            hostDefaultExists
                ? tr("Remove this tenant's own %1 settings, its client secret included? The host "
                     "default applies again.")
                      .arg(name)
                : tr("Remove this tenant's own %1 settings, its client secret included? The host "
                     "has no default, so %1 will not be configured for this tenant.")
                      .arg(name);
        return QMessageBox::question(page, tr("Use the host default for %1").arg(name), text) ==
               QMessageBox::Yes;
    };

    using Page = Ui::ProviderConfigPage;
    connect(page, &Page::saveRequested, this, [this](const ProviderEdit &edit) { onSave(edit); });
    connect(page, &Page::testRequested, this, &ProviderConfigController::onTest);
    connect(page, &Page::useHostDefaultRequested, this,
            &ProviderConfigController::onUseHostDefault);
    connect(service, &ProviderConfigService::testFinished, page, &Page::showTestResults);
    reload();
}

void ProviderConfigController::reload()
{
    const Result<QList<ProviderSettings>> providers = m_service->list();
    if (!providers) {
        m_page->setProviders({});
        m_page->showError(providers.error().message);
        return;
    }
    m_page->setProviders(providers.value());
}

// The page shows every mistake at its field at once; the service checks again when it saves,
// whatever the page sent.
void ProviderConfigController::onSave(ProviderEdit edit)
{
    const Result<QList<FieldProblem>> problems = m_service->validate(edit);
    if (!problems || !problems.value().isEmpty()) {
        wipe(edit.clientSecret);
        if (!problems)
            showFailure(problems.error());
        else
            m_page->showFieldProblems(problems.value());
        return;
    }
    const QString key = edit.providerKey;
    const Result<ProviderSettings> saved = m_service->save(std::move(edit));
    if (!saved) {
        showFailure(saved.error());
        return;
    }
    reload();
    m_page->showSaved(tr("The %1 settings were saved.").arg(providerName(key)));
}

void ProviderConfigController::onUseHostDefault(QString providerKey, QString shownStamp)
{
    const auto shown = std::find_if(
        m_page->providers().cbegin(), m_page->providers().cend(),
        [&providerKey](const ProviderSettings &s) { return s.providerKey == providerKey; });
    const bool hostDefaultExists = shown != m_page->providers().cend() && shown->hostDefaultExists;
    if (m_confirm && !m_confirm(providerName(providerKey), hostDefaultExists))
        return;
    const Result<ProviderSettings> done = m_service->useHostDefault(providerKey, shownStamp);
    if (!done) {
        showFailure(done.error());
        return;
    }
    reload();
    m_page->showSaved(
        done.value().origin == ConfigOrigin::HostDefault
            ? tr("%1 uses the host default again.").arg(providerName(providerKey))
            : tr("This tenant's own %1 settings were removed.").arg(providerName(providerKey)));
}

void ProviderConfigController::onTest(const ProviderEdit &edit)
{
    if (const Result<void> started = m_service->testConfiguration(edit); !started) {
        showFailure(started.error());
        return;
    }
    m_page->showTesting();
}

// A version changed elsewhere is shown as it is now, with the reason next to it.
void ProviderConfigController::showFailure(const Error &error)
{
    if (error.code == ErrorCode::ConcurrencyConflict)
        reload();
    m_page->showError(error.message);
}

QString ProviderConfigController::providerName(const QString &providerKey) const
{
    const ProviderDescriptor *provider = ProviderCatalogue::builtIn().find(providerKey);
    return provider ? provider->displayName : providerKey;
}

} // namespace EasyCrm::App
