#include "app/servicerouter.h"

#include "core/service/connectionservice.h"

#include <QLoggingCategory>

namespace EasyCrm::App {

// easycrm.app.router: which page a connect attempt or disconnect belongs to (never a URL).
Q_LOGGING_CATEGORY(lcRouter, "easycrm.app.router", QtInfoMsg)

ServiceRouter &ServiceRouter::of(ConnectionService &service)
{
    auto *router = service.findChild<ServiceRouter *>(QString(), Qt::FindDirectChildrenOnly);
    if (!router)
        router = new ServiceRouter(service);
    return *router;
}

ServiceRouter::ServiceRouter(ConnectionService &service)
    : QObject(&service)
    , m_service(service)
{
    m_channels[static_cast<int>(Side::Own)] = new ServiceChannel(this, Side::Own);
    m_channels[static_cast<int>(Side::Brand)] = new ServiceChannel(this, Side::Brand);

    connect(&service, &ConnectionService::phaseChanged, this, &ServiceRouter::onPhaseChanged);
    connect(&service, &ConnectionService::authorizeUrlReady, this,
            [this](const QString &key, const QUrl &url) {
                if (ServiceChannel *channel = running())
                    emit channel->authorizeUrlReady(key, url);
            });
    connect(&service, &ConnectionService::notice, this,
            [this](const QString &key, const QString &message) {
                if (ServiceChannel *channel = running())
                    emit channel->notice(key, message);
            });
    connect(&service, &ConnectionService::connectSucceeded, this,
            &ServiceRouter::onConnectSucceeded);
    connect(&service, &ConnectionService::connectFailed, this, &ServiceRouter::onConnectFailed);
    connect(
        &service, &ConnectionService::disconnectFinished, this,
        [this](const QString &key, const Error &error) { onDisconnectResult(key, error, true); });
    connect(
        &service, &ConnectionService::disconnectFailed, this,
        [this](const QString &key, const Error &error) { onDisconnectResult(key, error, false); });
}

ServiceChannel &ServiceRouter::channel(Side side) const
{
    return *m_channels.at(static_cast<int>(side));
}

ServiceRouter::Side ServiceRouter::other(Side side)
{
    return side == Side::Own ? Side::Brand : Side::Own;
}

ServiceChannel *ServiceRouter::running() const
{
    return m_running ? &channel(*m_running) : nullptr;
}

void ServiceRouter::request(Side side, const std::function<void()> &call)
{
    // Requests do not nest: a page asks in answer to a click, never from inside another call.
    m_requester = side;
    call();
    m_requester.reset();
}

void ServiceRouter::requestDisconnect(Side side, const QString &providerKey, const QString &subject,
                                      const std::function<void()> &call)
{
    m_disconnects.append({side, providerKey, subject});
    m_currentDisconnect = m_disconnects.size() - 1;
    request(side, call);
    m_currentDisconnect = -1;
}

void ServiceRouter::onPhaseChanged(FlowPhase phase, const QString &providerKey)
{
    if (phase == FlowPhase::Idle) {
        if (!m_running)
            return;
        const Side ended = *m_running;
        m_running.reset();
        m_ended = ended;
        emit channel(ended).phaseChanged(phase, providerKey);
        emit channel(other(ended)).otherAttemptChanged(false);
        return;
    }
    if (!m_running) {
        // The first phase of an attempt: the service knows its brand account from the start.
        m_running = m_service.activeBrandAccount() ? Side::Brand : Side::Own;
        m_ended.reset();
        qCDebug(lcRouter) << "connect attempt of" << *m_running;
        emit channel(other(*m_running)).otherAttemptChanged(true);
    }
    emit channel(*m_running).phaseChanged(phase, providerKey);
}

// The outcome of an attempt arrives after its Idle phase; a request refused before any
// attempt started (another one runs) belongs to whoever asked.
std::optional<ServiceRouter::Side> ServiceRouter::outcomeSide() const
{
    if (m_requester)
        return m_requester;
    if (!m_running)
        return m_ended;
    return std::nullopt;
}

void ServiceRouter::onConnectSucceeded(const QString &providerKey, const QString &handle)
{
    const std::optional<Side> side = outcomeSide();
    m_ended.reset();
    if (side)
        emit channel(*side).connectSucceeded(providerKey, handle);
}

void ServiceRouter::onConnectFailed(const QString &providerKey, const Error &error)
{
    const std::optional<Side> side = outcomeSide();
    if (!m_requester)
        m_ended.reset();
    if (side)
        emit channel(*side).connectFailed(providerKey, error);
    else
        qCInfo(lcRouter) << "a connect failure that no page asked for:"
                         << errorCodeName(error.code);
}

void ServiceRouter::onDisconnectResult(const QString &providerKey, const Error &error,
                                       bool finished)
{
    qsizetype at = m_currentDisconnect;
    if (at < 0) {
        for (qsizetype i = 0; i < m_disconnects.size() && at < 0; ++i) {
            if (m_disconnects.at(i).providerKey == providerKey)
                at = i;
        }
    }
    if (at < 0) {
        qCDebug(lcRouter) << "a disconnect result that no page asked for";
        return;
    }
    const PendingDisconnect pending = m_disconnects.takeAt(at);
    m_currentDisconnect = -1; // one result per request
    ServiceChannel &target = channel(pending.side);
    if (finished)
        emit target.disconnectFinished(pending.subject, error);
    else
        emit target.disconnectFailed(pending.subject, error);
}

ServiceChannel::ServiceChannel(ServiceRouter *router, ServiceRouter::Side side)
    : QObject(router)
    , m_router(router)
    , m_side(side)
{}

void ServiceChannel::request(const std::function<void()> &call)
{
    m_router->request(m_side, call);
}

void ServiceChannel::requestDisconnect(const QString &providerKey, const QString &subject,
                                       const std::function<void()> &call)
{
    m_router->requestDisconnect(m_side, providerKey, subject, call);
}

bool ServiceChannel::otherAttemptRunning() const
{
    return m_router->runningSide() && *m_router->runningSide() != m_side;
}

} // namespace EasyCrm::App
