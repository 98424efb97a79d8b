#pragma once

#include "core/common/clock.h"
#include "core/common/providercatalogue.h"
#include "core/common/result.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>
#include <QUuid>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace EasyCrm::Db {
class Database;
struct IntegrationConnection;
struct ProviderConfig;
enum class ConnectionStatus;
} // namespace EasyCrm::Db
namespace EasyCrm::Crypto {
class DataProtector;
}
namespace EasyCrm::OAuth {
class TokenClient;
struct TokenResponse;
} // namespace EasyCrm::OAuth

namespace EasyCrm {

// How a failed refresh is treated. RFC 6749 §5.2: invalid_grant (the refresh token is
// revoked, expired or spent), invalid_client and unauthorized_client will fail the same way
// on every retry, so only a new authorization helps. Everything else — no answer, a timeout,
// 5xx, 429, an unexpected answer — may pass, so the tokens are kept and the refresh retried.
enum class RefreshFailureKind { Permanent, Transient };
[[nodiscard]] RefreshFailureKind classifyRefreshFailure(const Error &error);
// The same for a long-lived token exchange (Facebook, Instagram), where the provider speaks
// of the access token itself: any error it answers with 4xx (Graph's OAuthException, RFC 6750
// invalid_token) means the token is dead or refused, except temporarily_unavailable and
// slow_down. No answer, a timeout, 5xx, 429 or an unexpected answer may pass.
[[nodiscard]] RefreshFailureKind classifyExchangeFailure(const Error &error);

// What one sweep did, connection by connection.
struct SweepSummary
{
    int due = 0;                // candidates found
    int refreshed = 0;          // new tokens stored (refreshed or extended)
    int refreshedElsewhere = 0; // another client refreshed (or changed) it first
    int transientFailures = 0;  // tokens kept, retried later with backoff
    int requiresReauth = 0;     // marked Requires Re-auth in this sweep
    int busy = 0;               // another client holds the lease
    int failed = 0;             // a local failure (database, key ring, configuration)

    [[nodiscard]] bool allSucceeded() const { return transientFailures == 0 && failed == 0; }
};

// Keeps connections' tokens fresh (issue: token lifecycle; DESIGN §2 "Reconnect after token
// expiry").
//
//   sweep ─► candidates: Connected rows whose refresh time has come, lease free, most urgent
//     │        first, batchLimit at a time; the next batch is listed when one runs out, until
//     │        none is left (each connection at most once per sweep: a token due again at
//     │        once waits for the next sweep)
//     │        due = NextRefreshTime while backing off (with a long-lived exchange no later
//     │        than the expiry), else AccessTokenExpiresAt - lead (neither a refresh token
//     ▼        nor an exchange: AccessTokenExpiresAt itself)
//   per connection, at most maxConcurrent at once:
//     take the database lease ── Busy ─► leave it to the other client
//     re-read the row ── expiry or refresh token moved ─► refreshed elsewhere: done
//     no refresh token, no exchange, expired ─► Requires Re-auth ("AccessTokenExpired")
//     exchange but expired ─► Requires Re-auth ("AccessTokenExpired"); the token is not sent
//     TokenClient::refresh, or ─┬─ tokens ─► one transaction: access + refresh token
//     extendAccessToken (async) │            (an omitted refresh_token keeps the old one;
//                               │            an extension also writes a history row)
//                               ├─ permanent ─► re-read: the token presented changed? not
//                               │     ours; else one transaction: Requires Re-auth, outbox
//                               │     event, notifications, history
//                               └─ transient ─► tokens kept, backoff, still Connected
//   every write also frees the lease; sweepFinished(summary) when all are done.
//
// Refreshed tokens that come back together are stored in one transaction (one disk sync for
// all of them), each connection in its own savepoint so one failure spares the others; a
// sweep reads each tenant's provider configuration once (its own, else the host's default).
class RefreshScheduler final : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int maxConcurrent = 4;
        int batchLimit = 500;
        std::chrono::seconds leaseDuration{120};
        std::chrono::milliseconds networkTimeout{15000};
        std::chrono::seconds backoffBase{60};
        std::chrono::seconds backoffMax{3600};
    };

    RefreshScheduler(Db::Database &database, const Crypto::DataProtector &protector,
                     const ProviderCatalogue &catalogue, const Clock &clock,
                     QObject *parent = nullptr);
    ~RefreshScheduler() override;
    Q_DISABLE_COPY_MOVE(RefreshScheduler)

    void setSettings(const Settings &settings);
    const Settings &settings() const { return m_settings; }
    bool isSweeping() const { return m_sweeping; }
    // Who holds a lease this scheduler took (RefreshLeaseOwner).
    QString leaseOwner() const { return m_owner; }

    // The app's mode: a sweep now and then one every `interval`.
    void start(std::chrono::milliseconds interval);
    void stop();
    bool isActive() const { return m_timer.isActive(); }

    // When `connection` is due for a refresh or an exchange (or, when nothing renews it,
    // for re-auth). Invalid when it never is (no expiry known).
    [[nodiscard]] static QDateTime dueTime(const Db::IntegrationConnection &connection,
                                           const ProviderDescriptor &provider);
    // From when `connection` is shown as expiring: the provider's lead before the access
    // token expires, where nothing renews it (no refresh token, no long-lived exchange) or
    // its exchange has been failing. Invalid when it is renewed or never expires.
    [[nodiscard]] static QDateTime expiryWarningTime(const Db::IntegrationConnection &connection,
                                                     const ProviderDescriptor &provider);
    // The wait after `failureCount` consecutive transient failures: doubling, capped.
    [[nodiscard]] static std::chrono::seconds backoff(int failureCount, const Settings &settings);
    // The notification and tray text for a connection that needs re-authentication.
    [[nodiscard]] static QString reauthMessage(const QString &providerName);

public slots:
    // Starts one sweep; does nothing while one runs.
    void sweep();

signals:
    void sweepFinished(const EasyCrm::SweepSummary &summary);
    void connectionRefreshed(const QUuid &connectionId);
    // Once per transition to Requires Re-auth; `message` is reauthMessage().
    void connectionDegraded(const QUuid &connectionId, const QString &providerKey,
                            const QString &message);

private:
    struct Candidate;
    struct Job;
    struct PendingStore;
    enum class Outcome { Refreshed, Elsewhere, Transient, Reauth, Busy, Failed };

    [[nodiscard]] Result<QList<Candidate>> findDue(const QDateTime &now, bool &more) const;
    void listNextBatch();
    void pump();
    void begin(const Candidate &candidate);
    [[nodiscard]] Result<Outcome> prepare(Job &job, const Candidate &candidate);
    [[nodiscard]] Result<Outcome> expireWithoutRefresh(Job &job);
    [[nodiscard]] Result<Outcome> prepareRefresh(Job &job, bool configured);
    [[nodiscard]] Result<Outcome> prepareExchange(Job &job, bool configured);
    [[nodiscard]] static Error notConfigured(const ProviderDescriptor &provider);
    [[nodiscard]] Result<std::optional<Db::ProviderConfig>>
    providerConfig(const std::optional<QUuid> &tenantId, const QString &providerKey);
    void requestRefresh(std::shared_ptr<Job> job);
    void onRefreshed(std::shared_ptr<Job> job, const OAuth::TokenResponse &tokens);
    void storePending();
    void onRefreshFailed(Job &job, const Error &error);
    void onLocalFailure(Job &job, const Error &error);
    [[nodiscard]] Result<void> storeTokens(Job &job, const OAuth::TokenResponse &tokens);
    [[nodiscard]] Result<void> storeTransient(Job &job, const Error &error);
    [[nodiscard]] Result<void> markRequiresReauth(Job &job, const QString &reason,
                                                  const QString &providerError);
    [[nodiscard]] Result<void> appendHistory(const Db::IntegrationConnection &row,
                                             Db::ConnectionStatus from, const QString &reason,
                                             const QString &providerError, const QDateTime &now);
    [[nodiscard]] Result<void> notifyRecipients(const Job &job, const QDateTime &now);
    [[nodiscard]] Result<QList<QUuid>> recipients(const Db::IntegrationConnection &row) const;
    void releaseLease(const QUuid &id);
    void finish(Outcome outcome);
    void endSweep();

    Db::Database &m_db;
    const Crypto::DataProtector &m_protector;
    const ProviderCatalogue &m_catalogue;
    const Clock &m_clock;
    Settings m_settings;
    QString m_owner;
    QNetworkAccessManager *m_network = nullptr;
    OAuth::TokenClient *m_tokens = nullptr;
    QTimer m_timer;
    QList<Candidate> m_queue;
    QSet<QUuid> m_listed; // every connection this sweep took on
    QHash<QString, std::optional<Db::ProviderConfig>> m_configs; // this sweep's, by tenant
    QList<PendingStore> m_pendingStores; // refreshed, waiting for the next group commit
    bool m_moreDue = false;              // the last batch was cut at batchLimit
    int m_active = 0;
    bool m_sweeping = false;
    SweepSummary m_summary;
};

} // namespace EasyCrm

Q_DECLARE_METATYPE(EasyCrm::SweepSummary)
