#pragma once

#include "core/common/error.h"
#include "core/service/providerstatus.h"

#include <QList>
#include <QObject>
#include <QUrl>

#include <array>
#include <functional>
#include <optional>

namespace EasyCrm {
class ConnectionService;
}

namespace EasyCrm::App {

class ServiceChannel;

// Shares one connection service between Settings — Social Integration (the signed-in user's
// own connections) and Brand Accounts. The service runs one connect attempt at a time for
// both, and its signals do not say for which page; the router gives each page a channel
// that passes on only what belongs to it, and tells it while the other page's attempt runs.
//
//   a call made through a channel ─► whatever the service answers before it returns: that side
//   an attempt's first phase ─► activeBrandAccount() set? Brand : Own, until it ends (Idle);
//        its URL, notices and outcome (after Idle) ─► that side; the other side is told
//        otherAttemptChanged(true) at the start and (false) at the end
//   a disconnect's result ─► the side that asked first for that provider's disconnect
class ServiceRouter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceRouter)

public:
    enum class Side { Own, Brand };
    Q_ENUM(Side)

    // The router of `service`, created on first use as its child: it lives as long as the
    // service, whichever controller asked first.
    static ServiceRouter &of(ConnectionService &service);
    ServiceChannel &channel(Side side) const;
    // The side whose attempt runs now, if any.
    std::optional<Side> runningSide() const { return m_running; }

private:
    friend class ServiceChannel;
    struct PendingDisconnect
    {
        Side side;
        QString providerKey;
        QString subject;
    };

    explicit ServiceRouter(ConnectionService &service);
    void request(Side side, const std::function<void()> &call);
    void requestDisconnect(Side side, const QString &providerKey, const QString &subject,
                           const std::function<void()> &call);

    void onPhaseChanged(FlowPhase phase, const QString &providerKey);
    void onConnectSucceeded(const QString &providerKey, const QString &handle);
    void onConnectFailed(const QString &providerKey, const Error &error);
    void onDisconnectResult(const QString &providerKey, const Error &error, bool finished);
    [[nodiscard]] std::optional<Side> outcomeSide() const;
    [[nodiscard]] ServiceChannel *running() const;
    [[nodiscard]] static Side other(Side side);

    ConnectionService &m_service;
    std::array<ServiceChannel *, 2> m_channels{};
    std::optional<Side> m_running;      // the attempt that runs now
    std::optional<Side> m_ended;        // the attempt that just ended, until its outcome came
    std::optional<Side> m_requester;    // a call through a channel is under way
    qsizetype m_currentDisconnect = -1; // the entry a call under way added
    QList<PendingDisconnect> m_disconnects;
};

// One page's share of the service: what it asks goes through here, and only what belongs to
// it comes back. The signals are the service's own, for this page.
class ServiceChannel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceChannel)

public:
    ServiceRouter::Side side() const { return m_side; }
    // Calls `call` (a request to the service) as this page's.
    void request(const std::function<void()> &call);
    // Calls `call`, a disconnect of `providerKey`'s connection; its result, now or once the
    // provider answered the revocation, comes back with `subject` (what the page calls it).
    void requestDisconnect(const QString &providerKey, const QString &subject,
                           const std::function<void()> &call);
    // The other page's attempt runs now.
    bool otherAttemptRunning() const;

signals:
    void phaseChanged(EasyCrm::FlowPhase phase, const QString &providerKey);
    void authorizeUrlReady(const QString &providerKey, const QUrl &url);
    void connectSucceeded(const QString &providerKey, const QString &handle);
    void connectFailed(const QString &providerKey, const EasyCrm::Error &error);
    void notice(const QString &providerKey, const QString &message);
    void disconnectFinished(const QString &subject, const EasyCrm::Error &revocationError);
    void disconnectFailed(const QString &subject, const EasyCrm::Error &error);
    void otherAttemptChanged(bool running);

private:
    friend class ServiceRouter;
    ServiceChannel(ServiceRouter *router, ServiceRouter::Side side);

    ServiceRouter *m_router;
    ServiceRouter::Side m_side;
};

} // namespace EasyCrm::App
