#pragma once

#include "core/common/clock.h"
#include "core/common/providercatalogue.h"
#include "core/common/result.h"
#include "core/service/providerstatus.h"
#include "core/service/sessionuser.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace EasyCrm::Db {
class Database;
struct ProviderConfig;
struct IntegrationConnection;
enum class ConnectionStatus;
} // namespace EasyCrm::Db
namespace EasyCrm::Crypto {
class DataProtector;
}
namespace EasyCrm::OAuth {
struct TokenResponse;
struct TokenEndpoint;
struct Profile;
class TokenClient;
class ProfileClient;
enum class StateVerdict;
} // namespace EasyCrm::OAuth

namespace EasyCrm {

// Connects the signed-in user's account at a provider to the CRM (DESIGN §2).
//
//   startConnect ─► pending authorization row (state hash, protected verifier, 10 min)
//        │          loopback listener on 127.0.0.1, authorize URL through the Qt flow
//        ▼
//   WaitingForBrowser ── callback: state checked and consumed (single use) ──┐
//        │   bad state: HTTP 400 + AbpSecurityLogs, keep waiting             │
//        │   Cancel / lifetime over: failed, listener closed                 ▼
//        │                                        Exchanging (code + verifier, own client)
//        │                                        Verifying (profile endpoint)
//        │                                        Saving: one transaction — connection,
//        │                                        audit, two jobs, history
//        ▼                                                                   │
//   connectFailed(error)                                   connectSucceeded(handle)
class ConnectionService final : public QObject
{
    Q_OBJECT

public:
    using BrowserOpener = std::function<bool(const QUrl &)>;
    // Test seam: runs right before each database step of a connect attempt, with the step's
    // name — "pending-insert", "state-consume", "begin", "connection-insert" (or
    // "connection-update" on a reconnect), "audit", "jobs", "history", "commit". Fault
    // injection ends the database session there; the many-clients test holds two clients
    // there. The product never sets it.
    using StepHook = std::function<void(const QString &step)>;

    struct Settings
    {
        std::chrono::seconds pendingLifetime{600};
        std::chrono::milliseconds networkTimeout{15000};
    };

    ConnectionService(Db::Database &database, const Crypto::DataProtector &protector,
                      const ProviderCatalogue &catalogue, SessionUser user, const Clock &clock,
                      QObject *parent = nullptr);
    ~ConnectionService() override;
    Q_DISABLE_COPY_MOVE(ConnectionService)

    void setBrowserOpener(BrowserOpener opener);
    void setStepHook(StepHook hook);
    void setSettings(const Settings &settings);
    const SessionUser &user() const { return m_user; }

    [[nodiscard]] Result<QList<ProviderStatus>> providerStatuses() const;

    // --- Brand accounts (DESIGN §2) -----------------------------------------------------------
    // The same flow, the connection owned by a brand account of the tenant (OwnerUserId NULL,
    // BrandAccountId set): many per provider per tenant, one external identity on at most one
    // of them. Everything needs UseBrandAccounts; adding and removing accounts
    // ManageBrandAccounts too. Refused with PermissionDenied otherwise.
    [[nodiscard]] Result<QList<BrandAccountStatus>> brandStatuses() const;
    // Removes a brand account whose connections are all disconnected, audited.
    [[nodiscard]] Result<void> removeBrandAccount(const QUuid &brandAccountId);
    // The brand account of the running attempt (a new one's id is assigned at the start).
    std::optional<QUuid> activeBrandAccount() const;
    FlowPhase phase() const;
    QString activeProvider() const;
    // The authorize URL of the running attempt, for "copy link". It carries the state: hand
    // it to the clipboard only, never to a log or a label.
    QUrl authorizeUrl() const;

public slots:
    void startConnect(const QString &providerKey);
    void disconnectProvider(const QString &providerKey);
    // A new brand account named `name`, connected at `providerKey`: the account and its
    // connection are written together once the provider verified the identity, so a failed
    // or refused attempt leaves no account behind.
    void addBrandAccount(const QString &name, const QString &providerKey);
    // Repairs a brand connection in place, whoever created it; the same identity must sign in.
    void reconnectBrand(const QUuid &connectionId);
    void disconnectBrand(const QUuid &connectionId);
    void cancel();
    // The browser opener ran but no browser opened (learnt after the opener returned).
    void reportBrowserFailed();

signals:
    void phaseChanged(EasyCrm::FlowPhase phase, const QString &providerKey);
    void authorizeUrlReady(const QString &providerKey, const QUrl &url);
    void connectSucceeded(const QString &providerKey, const QString &handle);
    void connectFailed(const QString &providerKey, const EasyCrm::Error &error);
    void disconnectFinished(const QString &providerKey, const EasyCrm::Error &revocationError);
    // Nothing was disconnected: the database failed, or the connection changed elsewhere
    // since the page showed it (ConcurrencyConflict; statusesChanged came first, so the page
    // already shows it as it is now).
    void disconnectFailed(const QString &providerKey, const EasyCrm::Error &error);
    // Something the person should know while the attempt goes on (a rejected callback).
    void notice(const QString &providerKey, const QString &message);
    void statusesChanged();

private:
    struct Attempt;
    struct BrandTarget
    {
        QUuid accountId;
        QString name;
        bool isNew = false;
        QUuid reconnectId; // the connection a reconnect repairs
    };

    void run(std::unique_ptr<Attempt> attempt);
    [[nodiscard]] Result<void> prepareBrandTarget(Attempt &attempt);
    [[nodiscard]] Result<void> checkBrandIdentityFree(const OAuth::Profile &profile) const;
    [[nodiscard]] Result<void> insertBrandAccount(const BrandTarget &brand, const QDateTime &now);
    [[nodiscard]] Result<Db::IntegrationConnection> findBrandConnection(const QUuid &id) const;
    [[nodiscard]] Result<void> requirePermission(const QString &permission) const;
    void disconnectRow(const QString &providerKey, const Db::IntegrationConnection &row,
                       const QString &shownKey);

    [[nodiscard]] Result<void> prepareAttempt(Attempt &attempt);
    [[nodiscard]] Result<void> listenAndRemember(Attempt &attempt);
    void startStep(Attempt &attempt);
    OAuth::StateVerdict checkState(const QByteArray &state);
    void onAuthorizeUrl(const QUrl &url);
    void onCallback(const QByteArray &code, const QString &issuer);
    void onCallbackError(const QString &error, const QString &issuer);
    void onStateRejected(OAuth::StateVerdict verdict, const QString &clientAddress);
    void onTokens(const OAuth::TokenResponse &tokens);
    void onProfile(const OAuth::Profile &profile);
    [[nodiscard]] bool issuerAccepted(const QString &issuer) const;
    void refuseIssuer();
    [[nodiscard]] OAuth::TokenEndpoint endpointFor(const ProviderDescriptor &provider,
                                                   const Db::ProviderConfig &config) const;

    [[nodiscard]] Result<QString> save(const OAuth::Profile &profile);
    [[nodiscard]] Result<void> writeConnection(Db::IntegrationConnection &row,
                                               Db::ConnectionStatus previous, bool isNew,
                                               const QDateTime &now);
    [[nodiscard]] Result<void> storeConnection(Db::IntegrationConnection &row, bool isNew,
                                               const QDateTime &now);
    [[nodiscard]] Result<void> writeAudit(const Db::IntegrationConnection &row,
                                          const QString &action, const QDateTime &now);
    [[nodiscard]] Result<void> recordHistory(const Db::IntegrationConnection &row,
                                             Db::ConnectionStatus from, const QString &reason,
                                             const QDateTime &now);
    [[nodiscard]] Result<void> enqueueJobs(const Db::IntegrationConnection &row,
                                           const QDateTime &now);
    [[nodiscard]] Result<void> removeTokens(Db::IntegrationConnection row);
    void reportDisconnectFailed(const QString &providerKey, const Error &error);
    // A token that could not be unprotected is reported as a failed revocation.
    void revokeAtProvider(const QString &providerKey, Result<QByteArray> token,
                          bool isRefreshToken);
    void writeSecurityLog(const QString &action, const QString &reason,
                          const QString &clientAddress);

    void reachStep(const QString &step) const;
    [[nodiscard]] static Error alreadyConnectedError(const QString &detail);
    [[nodiscard]] static Error changedElsewhereError(const QString &detail);
    [[nodiscard]] static bool isChangedElsewhere(const Error &error);
    [[nodiscard]] static Error explainRace(const Error &error);
    void setPhase(FlowPhase phase);
    void fail(const Error &error);
    void finishAttempt();

    Db::Database &m_db;
    const Crypto::DataProtector &m_protector;
    const ProviderCatalogue &m_catalogue;
    SessionUser m_user;
    const Clock &m_clock;
    Settings m_settings;
    BrowserOpener m_openBrowser;
    StepHook m_stepHook;
    QNetworkAccessManager *m_network = nullptr;
    OAuth::TokenClient *m_tokens = nullptr;
    OAuth::ProfileClient *m_profiles = nullptr;
    std::unique_ptr<Attempt> m_attempt;
    // The ConcurrencyStamp of each provider's connection as providerStatuses() last showed
    // it: a disconnect acts on that version only.
    mutable QHash<QString, QString> m_shownStamps;
};

} // namespace EasyCrm
