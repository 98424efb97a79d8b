#include "app/brandaccountscontroller.h"

#include "app/servicerouter.h"
#include "core/common/providercatalogue.h"
#include "core/service/connectionservice.h"
#include "core/service/crmcontract.h"
#include "models/brandaccountsmodel.h"
#include "models/connectiondetails.h"
#include "ui/brandaccountspage.h"
#include "ui/connectiondetailsdialog.h"

#include <QMessageBox>

namespace EasyCrm::App {

namespace {

bool ask(QWidget *over, const QString &title, const QString &question)
{
    return QMessageBox::question(over, title, question) == QMessageBox::Yes;
}

} // namespace

BrandAccountsController::BrandAccountsController(ConnectionService *service, Db::Database &database,
                                                 Models::BrandAccountsModel *model,
                                                 Ui::BrandAccountsPage *page, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_database(database)
    , m_model(model)
    , m_page(page)
    , m_channel(&ServiceRouter::of(*service).channel(ServiceRouter::Side::Brand))
{
    m_confirmDisconnect = [page](const QString &name) {
        //: %1 is a brand account's name.
        return ask(page, tr("Disconnect %1").arg(name),
                   tr("Disconnect \"%1\"? Its access is revoked at the provider, and the CRM "
                      "stops reading its mentions and messages and publishing for it.")
                       .arg(name));
    };
    m_confirmRemove = [page](const QString &name) {
        //: %1 is a brand account's name.
        return ask(page, tr("Remove %1").arg(name),
                   tr("Remove the brand account \"%1\" from the tenant? This cannot be undone.")
                       .arg(name));
    };
    const SessionUser &user = service->user();
    page->setCanManage(user.isGranted(Contract::kPermissionUseBrandAccounts) &&
                       user.isGranted(Contract::kPermissionManageBrandAccounts));
    // A page outlives its session: what the previous service ran is nothing to wait for.
    page->setOtherAttemptRunning(m_channel->otherAttemptRunning());
    connectPage();
    connectChannel();
    connect(service, &ConnectionService::statusesChanged, this, &BrandAccountsController::reload);
    reload();
}

void BrandAccountsController::connectPage()
{
    using Page = Ui::BrandAccountsPage;
    connect(m_page, &Page::addRequested, this, &BrandAccountsController::onAddRequested);
    connect(m_page, &Page::reconnectRequested, this,
            &BrandAccountsController::onReconnectRequested);
    connect(m_page, &Page::disconnectRequested, this,
            &BrandAccountsController::onDisconnectRequested);
    connect(m_page, &Page::removeRequested, this, &BrandAccountsController::onRemoveRequested);
    connect(m_page, &Page::detailsRequested, this, &BrandAccountsController::onDetailsRequested);
    connect(m_page, &Page::cancelRequested, m_service, &ConnectionService::cancel);
}

void BrandAccountsController::connectChannel()
{
    connect(m_channel, &ServiceChannel::authorizeUrlReady, m_page,
            [this](const QString &, const QUrl &url) { m_page->showWaiting(url); });
    connect(m_channel, &ServiceChannel::phaseChanged, m_page,
            [this](FlowPhase phase, const QString &) { m_page->showPhase(phase); });
    connect(m_channel, &ServiceChannel::otherAttemptChanged, m_page,
            &Ui::BrandAccountsPage::setOtherAttemptRunning);
    connect(m_channel, &ServiceChannel::connectSucceeded, this,
            [this](const QString &, const QString &handle) { onConnectSucceeded(handle); });
    connect(m_channel, &ServiceChannel::connectFailed, this,
            [this](const QString &, const Error &error) {
                if (error.code == ErrorCode::Cancelled)
                    m_page->showInfo(error.message);
                else
                    m_page->showError(error.message);
            });
    connect(m_channel, &ServiceChannel::notice, m_page,
            [this](const QString &, const QString &message) { m_page->showInfo(message); });
    connect(m_channel, &ServiceChannel::disconnectFinished, this,
            &BrandAccountsController::onDisconnectFinished);
    connect(m_channel, &ServiceChannel::disconnectFailed, this,
            [this](const QString &, const Error &error) { m_page->showError(error.message); });
}

void BrandAccountsController::reload()
{
    // Without the permission the page is not offered, and the service would refuse anyway.
    if (!m_service->user().isGranted(Contract::kPermissionUseBrandAccounts)) {
        m_model->setStatuses({});
        return;
    }
    const Result<QList<BrandAccountStatus>> statuses = m_service->brandStatuses();
    if (!statuses) {
        m_page->showError(statuses.error().message);
        return;
    }
    m_model->setStatuses(statuses.value());
}

void BrandAccountsController::onAddRequested(const QString &name, const QString &providerKey)
{
    m_attemptName = name.simplified();
    m_attemptIsNew = true;
    m_channel->request([&] { m_service->addBrandAccount(name, providerKey); });
}

void BrandAccountsController::onReconnectRequested(const QUuid &connectionId)
{
    m_attemptName = nameOf(connectionId);
    m_attemptIsNew = false;
    m_channel->request([&] { m_service->reconnectBrand(connectionId); });
}

void BrandAccountsController::onConnectSucceeded(const QString &handle)
{
    QString who = handle;
    if (!who.isEmpty() && !who.startsWith(u'@'))
        who.prepend(u'@');
    if (who.isEmpty()) {
        //: %1 is a brand account's name.
        m_page->showSuccess(tr("\"%1\" is connected.").arg(m_attemptName));
    } else if (m_attemptIsNew) {
        //: %1 is a brand account's name, %2 the account's handle ("@name").
        m_page->showSuccess(tr("\"%1\" is connected as %2.").arg(m_attemptName, who));
    } else {
        //: %1 is a brand account's name, %2 the account's handle ("@name").
        m_page->showSuccess(tr("\"%1\" is connected again as %2.").arg(m_attemptName, who));
    }
}

void BrandAccountsController::onDisconnectRequested(const QUuid &connectionId)
{
    const std::optional<BrandAccountStatus> status = m_model->statusOfConnection(connectionId);
    if (!status)
        return;
    if (m_confirmDisconnect && !m_confirmDisconnect(status->name))
        return;
    m_channel->requestDisconnect(status->providerKey, status->name,
                                 [&] { m_service->disconnectBrand(connectionId); });
}

void BrandAccountsController::onDisconnectFinished(const QString &name, const Error &revocation)
{
    if (revocation.isError() && revocation.code != ErrorCode::NotFound) {
        //: %1 is a brand account's name, %2 what the provider answered.
        m_page->showError(tr("\"%1\" was disconnected here, but revoking its access at the "
                             "provider failed: %2")
                              .arg(name, revocation.message));
    } else if (revocation.isError()) {
        m_page->showError(revocation.message);
    } else {
        //: %1 is a brand account's name.
        m_page->showSuccess(tr("\"%1\" was disconnected.").arg(name));
    }
}

void BrandAccountsController::onRemoveRequested(const QUuid &brandAccountId)
{
    const std::optional<BrandAccountStatus> status = m_model->statusOfAccount(brandAccountId);
    if (!status)
        return;
    if (m_confirmRemove && !m_confirmRemove(status->name))
        return;
    // Short database work on this thread: the rows of one account and an audit entry.
    const Result<void> removed = m_service->removeBrandAccount(brandAccountId);
    if (!removed) {
        m_page->showError(removed.error().message);
        reload(); // it may have changed elsewhere: show it as it is now
        return;
    }
    //: %1 is a brand account's name.
    m_page->showSuccess(tr("\"%1\" was removed.").arg(status->name));
}

void BrandAccountsController::onDetailsRequested(const QUuid &connectionId)
{
    if (connectionId.isNull())
        return;
    const Result<Models::ConnectionDetails> details =
        Models::loadConnectionDetails(m_database, ProviderCatalogue::builtIn(), connectionId);
    if (!details) {
        m_page->showError(details.error().message);
        return;
    }
    auto *dialog = new Ui::ConnectionDetailsDialog(details.value(), m_page);
    //: %1 is a brand account's name, %2 its provider, e.g. LinkedIn.
    dialog->setWindowTitle(
        tr("%1 (%2) connection details").arg(nameOf(connectionId), details.value().providerName));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

QString BrandAccountsController::nameOf(const QUuid &connectionId) const
{
    const std::optional<BrandAccountStatus> status = m_model->statusOfConnection(connectionId);
    return status ? status->name : QString();
}

} // namespace EasyCrm::App
