#include "core/service/refreshscheduler.h"

#include "core/common/ids.h"
#include "core/common/secret.h"
#include "core/crypto/dataprotector.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/eventoutboxwriter.h"
#include "core/db/identityreader.h"
#include "core/db/notificationrepository.h"
#include "core/db/providerconfigrepository.h"
#include "core/db/sqlstatement.h"
#include "core/oauth/tokenclient.h"
#include "core/service/crmcontract.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QPointer>

#include <algorithm>
#include <utility>

Q_LOGGING_CATEGORY(lcRefresh, "easycrm.service.refresh", QtInfoMsg)

namespace EasyCrm {

namespace {

using Db::ConnectionStatus;

// The permission that lets a user work with the tenant's brand accounts (DESIGN §2).
const QString kUseBrandAccounts = QStringLiteral("EasyCrm.SocialCrm.UseBrandAccounts");
const QString kNotificationKind = QStringLiteral("ConnectionRequiresReauth");

// Reasons, as the row, the history and the event carry them.
const QString kReasonExpired = QStringLiteral("AccessTokenExpired");
const QString kReasonRefreshRejected = QStringLiteral("RefreshTokenRejected");
const QString kReasonClientRejected = QStringLiteral("ClientRejected");
const QString kReasonAccessRejected = QStringLiteral("AccessTokenRejected");
const QString kReasonRecovered = QStringLiteral("RefreshRecovered");
const QString kReasonExtended = QStringLiteral("AccessTokenExtended");
const QString kOutcomeRefreshed = QStringLiteral("Refreshed");
const QString kOutcomeExtended = QStringLiteral("Extended");

// The admin's configuration overrides the catalogue's endpoints where it names one.
ProviderDescriptor effectiveProvider(ProviderDescriptor provider, const Db::ProviderConfig &cfg)
{
    if (!cfg.tokenEndpoint.isEmpty())
        provider.tokenEndpoint = QUrl(cfg.tokenEndpoint, QUrl::StrictMode);
    return provider;
}

bool canRefresh(const Db::IntegrationConnection &row, const ProviderDescriptor &provider)
{
    return provider.refreshTokens != RefreshTokenBehaviour::None &&
           !row.protectedRefreshToken.isEmpty();
}

// A provider without refresh tokens that extends the access token itself (Facebook,
// Instagram): the access token is then the only credential, and its expiry the deadline.
bool canExchange(const Db::IntegrationConnection &row, const ProviderDescriptor &provider)
{
    return !canRefresh(row, provider) && provider.longLivedExchange.has_value();
}

bool isClientError(const QString &providerError)
{
    return providerError == u"invalid_client" || providerError == u"unauthorized_client";
}

QString reasonFor(const QString &providerError)
{
    return providerError == u"invalid_grant" ? kReasonRefreshRejected : kReasonClientRejected;
}

QString exchangeReasonFor(const QString &providerError)
{
    return isClientError(providerError) ? kReasonClientRejected : kReasonAccessRejected;
}

void clearLease(Db::IntegrationConnection &row)
{
    row.refreshLeaseOwner.clear();
    row.refreshLeaseUntil = QDateTime();
}

} // namespace

RefreshFailureKind classifyRefreshFailure(const Error &error)
{
    // A server in trouble may answer any error code; its status says to come back (§5.2 has
    // no 5xx, and RFC 6585 §4 makes 429 a "later").
    if (error.httpStatus >= 500 || error.httpStatus == 429)
        return RefreshFailureKind::Transient;
    static const QStringList permanent = {QStringLiteral("invalid_grant"),
                                          QStringLiteral("invalid_client"),
                                          QStringLiteral("unauthorized_client")};
    const bool answered =
        error.code == ErrorCode::ErrorResponse || error.code == ErrorCode::HttpError;
    return answered && permanent.contains(error.providerError) ? RefreshFailureKind::Permanent
                                                               : RefreshFailureKind::Transient;
}

RefreshFailureKind classifyExchangeFailure(const Error &error)
{
    if (error.httpStatus >= 500 || error.httpStatus == 429)
        return RefreshFailureKind::Transient;
    static const QStringList later = {QStringLiteral("temporarily_unavailable"),
                                      QStringLiteral("slow_down")};
    const bool answered =
        error.code == ErrorCode::ErrorResponse || error.code == ErrorCode::HttpError;
    return answered && !error.providerError.isEmpty() && !later.contains(error.providerError)
               ? RefreshFailureKind::Permanent
               : RefreshFailureKind::Transient;
}

// A connection found due, with what the sweep saw of it before taking the lease.
struct RefreshScheduler::Candidate
{
    QUuid id;
    QDateTime accessTokenExpiresAt;
    QString protectedRefreshToken;
};

// One refresh (or long-lived exchange) under way: the row as read under the lease, and where
// to renew it. Exactly one of the tokens is set: the one presented to the provider.
struct RefreshScheduler::Job
{
    Db::IntegrationConnection row;
    ProviderDescriptor provider;
    Db::ProviderConfig config;
    QByteArray refreshToken;
    QByteArray accessToken; // for an exchange

    bool isExchange() const { return !accessToken.isEmpty(); }
    // The stored form of the token presented: if it changed meanwhile, the answer is stale.
    const QString &presented(const Db::IntegrationConnection &of) const
    {
        return isExchange() ? of.protectedAccessToken : of.protectedRefreshToken;
    }
    ~Job()
    {
        wipe(refreshToken);
        wipe(accessToken);
    }
};

// A refresh the provider answered, waiting to be stored with the others that came back.
struct RefreshScheduler::PendingStore
{
    std::shared_ptr<Job> job;
    OAuth::TokenResponse tokens;
};

RefreshScheduler::RefreshScheduler(Db::Database &database, const Crypto::DataProtector &protector,
                                   const ProviderCatalogue &catalogue, const Clock &clock,
                                   QObject *parent)
    : QObject(parent)
    , m_db(database)
    , m_protector(protector)
    , m_catalogue(catalogue)
    , m_clock(clock)
    , m_owner(Ids::newConcurrencyStamp())
    , m_network(new QNetworkAccessManager(this))
    , m_tokens(new OAuth::TokenClient(m_network, this))
{
    qRegisterMetaType<EasyCrm::SweepSummary>();
    m_tokens->setTimeout(m_settings.networkTimeout);
    connect(&m_timer, &QTimer::timeout, this, &RefreshScheduler::sweep);
}

RefreshScheduler::~RefreshScheduler() = default;

void RefreshScheduler::setSettings(const Settings &settings)
{
    m_settings = settings;
    m_settings.maxConcurrent = std::max(1, settings.maxConcurrent);
    m_tokens->setTimeout(m_settings.networkTimeout);
}

void RefreshScheduler::start(std::chrono::milliseconds interval)
{
    m_timer.start(interval);
    sweep();
}

void RefreshScheduler::stop()
{
    m_timer.stop();
}

QDateTime RefreshScheduler::dueTime(const Db::IntegrationConnection &connection,
                                    const ProviderDescriptor &provider)
{
    const QDateTime &expiry = connection.accessTokenExpiresAt;
    // Backing off after transient failures: the schedule written then rules, but an access
    // token only an exchange renews cannot wait past its expiry.
    if (connection.refreshFailureCount > 0 && connection.nextRefreshTime.isValid()) {
        if (canExchange(connection, provider) && expiry.isValid())
            return std::min(connection.nextRefreshTime, expiry);
        return connection.nextRefreshTime;
    }
    if (!expiry.isValid())
        return {};
    if (!canRefresh(connection, provider) && !canExchange(connection, provider))
        return expiry;
    return expiry.addSecs(-provider.refreshLeadSeconds);
}

QDateTime RefreshScheduler::expiryWarningTime(const Db::IntegrationConnection &connection,
                                              const ProviderDescriptor &provider)
{
    if (!connection.accessTokenExpiresAt.isValid() || canRefresh(connection, provider))
        return {};
    if (canExchange(connection, provider) && connection.refreshFailureCount == 0)
        return {};
    return connection.accessTokenExpiresAt.addSecs(-provider.refreshLeadSeconds);
}

std::chrono::seconds RefreshScheduler::backoff(int failureCount, const Settings &settings)
{
    const int doublings = std::clamp(failureCount - 1, 0, 20);
    const auto wait = settings.backoffBase * (qint64(1) << doublings);
    return std::min<std::chrono::seconds>(wait, settings.backoffMax);
}

QString RefreshScheduler::reauthMessage(const QString &providerName)
{
    //: Notification and tray text; %1 is the provider's name, e.g. LinkedIn.
    return tr("Your %1 connection needs re-authentication").arg(providerName);
}

void RefreshScheduler::sweep()
{
    if (m_sweeping)
        return;
    m_summary = SweepSummary{};
    m_sweeping = true;
    m_queue.clear();
    m_listed.clear();
    m_configs.clear();
    listNextBatch();
    if (m_summary.failed > 0) {
        QMetaObject::invokeMethod(this, &RefreshScheduler::endSweep, Qt::QueuedConnection);
        return;
    }
    qCDebug(lcRefresh) << "Sweep found" << m_summary.due << "due connections";
    QMetaObject::invokeMethod(this, &RefreshScheduler::pump, Qt::QueuedConnection);
}

// The next batchLimit due connections this sweep has not taken on yet.
void RefreshScheduler::listNextBatch()
{
    m_moreDue = false;
    Result<QList<Candidate>> due = findDue(m_clock.nowUtc(), m_moreDue);
    if (!due) {
        qCWarning(lcRefresh) << "Finding due connections failed:" << due.error().detail;
        ++m_summary.failed;
        return;
    }
    for (const Candidate &candidate : due.value())
        m_listed.insert(candidate.id);
    m_queue.append(due.value());
    m_summary.due += int(due.value().size());
}

// Connected rows whose lease is free; the due rule needs the catalogue, so it runs here
// rather than in SQL. Rows without an expiry never come due.
Result<QList<RefreshScheduler::Candidate>> RefreshScheduler::findDue(const QDateTime &now,
                                                                     bool &more) const
{
    Db::SqlStatement st(m_db, QStringLiteral("refresh.candidates"));
    st.prepare(QStringLiteral(
        "SELECT \"Id\", \"ProviderKey\", \"AccessTokenExpiresAt\", \"ProtectedRefreshToken\", "
        "\"NextRefreshTime\", \"RefreshFailureCount\" FROM \"SocialCrmIntegrationConnections\" "
        "WHERE \"Status\" = :Status AND \"AccessTokenExpiresAt\" IS NOT NULL "
        "AND (\"RefreshLeaseUntil\" IS NULL OR \"RefreshLeaseUntil\" < :Now)"));
    st.bind(QStringLiteral(":Status"), static_cast<int>(ConnectionStatus::Connected));
    st.bind(QStringLiteral(":Now"), m_db.timestamp(now));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<std::pair<QDateTime, Candidate>> due;
    while (st.next()) {
        Db::IntegrationConnection row;
        row.accessTokenExpiresAt =
            m_db.readTimestamp(st.value(QStringLiteral("AccessTokenExpiresAt")));
        row.protectedRefreshToken = st.value(QStringLiteral("ProtectedRefreshToken")).toString();
        row.nextRefreshTime = m_db.readTimestamp(st.value(QStringLiteral("NextRefreshTime")));
        row.refreshFailureCount = st.value(QStringLiteral("RefreshFailureCount")).toInt();
        const ProviderDescriptor *provider =
            m_catalogue.find(st.value(QStringLiteral("ProviderKey")).toString());
        const QDateTime when = provider ? dueTime(row, *provider) : QDateTime();
        if (when.isValid() && when <= now) {
            const QUuid id = m_db.readGuid(st.value(QStringLiteral("Id")));
            if (!m_listed.contains(id))
                due.append(
                    {when, Candidate{id, row.accessTokenExpiresAt, row.protectedRefreshToken}});
        }
    }
    // Most urgent first, so a bounded batch never starves the oldest.
    std::sort(due.begin(), due.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<Candidate> candidates;
    for (qsizetype i = 0; i < due.size() && i < m_settings.batchLimit; ++i)
        candidates.append(due.at(i).second);
    more = due.size() > m_settings.batchLimit;
    return candidates;
}

void RefreshScheduler::pump()
{
    // A batch ran out: list the next one while the last jobs of this one still run.
    if (m_queue.isEmpty() && m_moreDue && m_sweeping)
        listNextBatch();
    while (m_active < m_settings.maxConcurrent && !m_queue.isEmpty()) {
        ++m_active;
        begin(m_queue.takeFirst());
    }
    if (m_active == 0 && m_queue.isEmpty() && m_sweeping)
        endSweep();
}

void RefreshScheduler::begin(const Candidate &candidate)
{
    auto job = std::make_shared<Job>();
    const Result<Outcome> prepared = prepare(*job, candidate);
    if (!prepared) {
        onLocalFailure(*job, prepared.error());
        return;
    }
    if (prepared.value() != Outcome::Refreshed) {
        finish(prepared.value());
        return;
    }
    requestRefresh(std::move(job));
}

// Takes the lease and decides whether a token request is needed. Refreshed means "go on";
// any other outcome is final and the lease is already given back.
Result<RefreshScheduler::Outcome> RefreshScheduler::prepare(Job &job, const Candidate &candidate)
{
    const QDateTime now = m_clock.nowUtc();
    Db::ConnectionRepository connections(m_db);
    auto lease = connections.acquireRefreshLease(candidate.id, m_owner, now,
                                                 now.addSecs(m_settings.leaseDuration.count()));
    if (!lease)
        return lease.error().code == ErrorCode::Busy ? Result<Outcome>(Outcome::Busy)
                                                     : Result<Outcome>(lease.error());
    // Read again under the lease: another client may have refreshed it since the sweep
    // listed it. Its new token is then the one to use, so nothing is left to do.
    auto found = connections.findById(candidate.id);
    if (!found)
        return found.error();
    if (!found.value())
        return Outcome::Elsewhere; // removed meanwhile; its lease went with it
    job.row = *found.value();
    if (job.row.status != ConnectionStatus::Connected ||
        job.row.accessTokenExpiresAt != candidate.accessTokenExpiresAt ||
        job.row.protectedRefreshToken != candidate.protectedRefreshToken) {
        releaseLease(job.row.id);
        return Outcome::Elsewhere;
    }
    auto config = providerConfig(job.row.tenantId, job.row.providerKey);
    if (!config)
        return config.error();
    const ProviderDescriptor *catalogued = m_catalogue.find(job.row.providerKey);
    if (!catalogued)
        return makeError(ErrorCode::ProviderUnknown, tr("This provider is not known."));
    job.config = config.value().value_or(Db::ProviderConfig{});
    job.provider = effectiveProvider(*catalogued, job.config);
    const bool configured = config.value() && !job.config.clientId.isEmpty();
    if (canRefresh(job.row, job.provider))
        return prepareRefresh(job, configured);
    if (canExchange(job.row, job.provider))
        return prepareExchange(job, configured);
    return expireWithoutRefresh(job);
}

Result<RefreshScheduler::Outcome> RefreshScheduler::prepareRefresh(Job &job, bool configured)
{
    if (!configured)
        return notConfigured(job.provider);
    auto refreshToken = m_protector.unprotect(job.row.protectedRefreshToken);
    if (!refreshToken)
        return refreshToken.error();
    job.refreshToken = refreshToken.value();
    return Outcome::Refreshed;
}

// Only a valid access token can be extended: an expired one is never sent, and only a new
// authorization helps.
Result<RefreshScheduler::Outcome> RefreshScheduler::prepareExchange(Job &job, bool configured)
{
    if (job.row.accessTokenExpiresAt <= m_clock.nowUtc()) {
        if (Result<void> marked = markRequiresReauth(job, kReasonExpired, {}); !marked)
            return marked.error();
        return Outcome::Reauth;
    }
    if (job.provider.longLivedExchange->sendsClientCredentials && !configured)
        return notConfigured(job.provider);
    auto accessToken = m_protector.unprotect(job.row.protectedAccessToken);
    if (!accessToken)
        return accessToken.error();
    job.accessToken = accessToken.value();
    if (!job.isExchange())
        return makeError(ErrorCode::PayloadInvalid, tr("The stored access token is empty."));
    return Outcome::Refreshed;
}

Error RefreshScheduler::notConfigured(const ProviderDescriptor &provider)
{
    return makeError(
        ErrorCode::ProviderNotConfigured,
        tr("%1 is not configured, so its tokens cannot be refreshed.").arg(provider.displayName));
}

// The admin's configuration, read once per sweep for each tenant and provider: the tenant's
// own row, else the host's default (as the connect flow uses it).
Result<std::optional<Db::ProviderConfig>>
RefreshScheduler::providerConfig(const std::optional<QUuid> &tenantId, const QString &providerKey)
{
    const QString key = (tenantId ? Ids::text(*tenantId) : QString()) + u'/' + providerKey;
    if (const auto cached = m_configs.constFind(key); cached != m_configs.constEnd())
        return *cached;
    auto config = Db::ProviderConfigRepository(m_db).findEffective(tenantId, providerKey);
    if (config)
        m_configs.insert(key, config.value());
    return config;
}

// Nothing renews the connection (Mastodon; LinkedIn without an approved app's refresh token):
// it works until its access token expires, and then only a new authorization helps.
Result<RefreshScheduler::Outcome> RefreshScheduler::expireWithoutRefresh(Job &job)
{
    if (job.row.accessTokenExpiresAt > m_clock.nowUtc()) {
        releaseLease(job.row.id);
        return Outcome::Elsewhere;
    }
    if (Result<void> marked = markRequiresReauth(job, kReasonExpired, {}); !marked)
        return marked.error();
    return Outcome::Reauth;
}

void RefreshScheduler::requestRefresh(std::shared_ptr<Job> job)
{
    const bool exchange = job->isExchange();
    OAuth::TokenEndpoint endpoint =
        exchange ? OAuth::exchangeEndpointFor(job->provider, job->config.clientId)
                 : OAuth::tokenEndpointFor(job->provider, job->provider.tokenEndpoint,
                                           job->config.clientId);
    // Instagram's exchange carries the token alone: its secret is not even read.
    const bool needsSecret = !exchange || job->provider.longLivedExchange->sendsClientCredentials;
    if (needsSecret && !job->config.protectedClientSecret.isEmpty()) {
        auto secret = m_protector.unprotect(job->config.protectedClientSecret);
        if (!secret) {
            onLocalFailure(*job, secret.error());
            return;
        }
        endpoint.clientSecret = secret.value();
    }
    QPointer<RefreshScheduler> self(this);
    auto done = [self, job](Result<OAuth::TokenResponse> tokens) {
        if (!self)
            return;
        if (tokens)
            self->onRefreshed(job, tokens.value());
        else
            self->onRefreshFailed(*job, tokens.error());
    };
    if (exchange)
        m_tokens->extendAccessToken(endpoint, *job->provider.longLivedExchange, job->accessToken,
                                    job->row.grantedScopes, std::move(done));
    else
        m_tokens->refresh(endpoint, job->refreshToken, job->row.grantedScopes, std::move(done));
    wipe(endpoint.clientSecret);
}

void RefreshScheduler::onRefreshed(std::shared_ptr<Job> job, const OAuth::TokenResponse &tokens)
{
    // Group commit: the answers handled before the queued call runs share its transaction.
    m_pendingStores.append(PendingStore{std::move(job), tokens});
    if (m_pendingStores.size() == 1)
        QMetaObject::invokeMethod(this, &RefreshScheduler::storePending, Qt::QueuedConnection);
}

// One transaction for every refresh answered since the last one; each connection's tokens
// in a savepoint (storeTokens' own transaction, nested), so a conflict on one row only
// fails that row.
void RefreshScheduler::storePending()
{
    const QList<PendingStore> pending = std::exchange(m_pendingStores, {});
    QList<Result<void>> stored;
    Db::Transaction transaction(m_db);
    Result<void> committed = transaction.begin();
    if (committed) {
        for (const PendingStore &store : pending)
            stored.append(storeTokens(*store.job, store.tokens));
        committed = transaction.commit();
    }
    for (qsizetype i = 0; i < pending.size(); ++i) {
        const Job &job = *pending.at(i).job;
        const Result<void> &outcome = committed ? stored.at(i) : committed;
        if (!outcome) {
            // The provider may have rotated the refresh token already; nothing else can be
            // done for it here, and the next sweep learns what the provider thinks of it.
            qCWarning(lcRefresh) << "Refreshed tokens could not be stored:"
                                 << errorCodeName(outcome.error().code) << outcome.error().detail;
            releaseLease(job.row.id);
            finish(Outcome::Failed);
            continue;
        }
        qCDebug(lcRefresh) << "Refreshed connection" << job.row.id;
        emit connectionRefreshed(job.row.id);
        finish(Outcome::Refreshed);
    }
}

void RefreshScheduler::onRefreshFailed(Job &job, const Error &error)
{
    qCInfo(lcRefresh) << (job.isExchange() ? "Exchange failed:" : "Refresh failed:")
                      << errorCodeName(error.code) << error.httpStatus << error.providerError;
    const RefreshFailureKind kind =
        job.isExchange() ? classifyExchangeFailure(error) : classifyRefreshFailure(error);
    if (kind == RefreshFailureKind::Transient) {
        const Result<void> kept = storeTransient(job, error);
        if (!kept)
            releaseLease(job.row.id);
        finish(kept ? Outcome::Transient : Outcome::Failed);
        return;
    }
    // Never blame the grant for a rotation another client won: if the stored token is no
    // longer the one presented, the rejection was about a spent token, not this row.
    auto current = Db::ConnectionRepository(m_db).findById(job.row.id);
    if (!current || !current.value() || job.presented(*current.value()) != job.presented(job.row) ||
        current.value()->status != ConnectionStatus::Connected) {
        releaseLease(job.row.id);
        finish(current ? Outcome::Elsewhere : Outcome::Failed);
        return;
    }
    job.row = *current.value();
    const QString reason =
        job.isExchange() ? exchangeReasonFor(error.providerError) : reasonFor(error.providerError);
    const Result<void> marked = markRequiresReauth(job, reason, error.providerError);
    if (!marked) {
        qCWarning(lcRefresh) << "Requires Re-auth could not be stored:" << marked.error().detail;
        releaseLease(job.row.id);
    }
    finish(marked ? Outcome::Reauth : Outcome::Failed);
}

// Not the provider's fault (the key ring, the configuration, the database): back off like a
// transient failure so the sweep does not spin on it, and report it as a failure.
void RefreshScheduler::onLocalFailure(Job &job, const Error &error)
{
    qCWarning(lcRefresh) << "Refresh not possible:" << errorCodeName(error.code) << error.detail;
    if (job.row.id.isNull() || !storeTransient(job, error))
        releaseLease(job.row.id);
    finish(Outcome::Failed);
}

Result<void> RefreshScheduler::storeTokens(Job &job, const OAuth::TokenResponse &tokens)
{
    Db::IntegrationConnection &row = job.row;
    auto access = m_protector.protect(tokens.accessToken);
    if (!access)
        return access.error();
    // RFC 6749 §6: the server MAY issue a new refresh token; without one the old one stays
    // valid (Google). A blank one is never stored over a working one.
    if (!tokens.refreshToken.isEmpty()) {
        auto refresh = m_protector.protect(tokens.refreshToken);
        if (!refresh)
            return refresh.error();
        row.protectedRefreshToken = refresh.value();
    }
    const QDateTime now = m_clock.nowUtc();
    row.protectedAccessToken = access.value();
    row.accessTokenExpiresAt =
        tokens.expiresInSeconds ? now.addSecs(*tokens.expiresInSeconds) : QDateTime();
    if (tokens.refreshExpiresInSeconds)
        row.refreshTokenExpiresAt = now.addSecs(*tokens.refreshExpiresInSeconds);
    if (!tokens.scopeOmitted)
        row.grantedScopes = tokens.grantedScopes;
    const bool recovered = row.refreshFailureCount > 0;
    const bool extended = job.isExchange();
    row.refreshFailureCount = 0;
    row.lastRefreshTime = now;
    row.lastRefreshOutcome = extended ? kOutcomeExtended : kOutcomeRefreshed;
    row.nextRefreshTime = dueTime(row, job.provider);
    clearLease(row);
    row.lastModificationTime = now;
    row.lastModifierId.reset();

    Db::Transaction transaction(m_db);
    if (Result<void> begun = transaction.begin(); !begun)
        return begun;
    auto updated = Db::ConnectionRepository(m_db).update(row, row.concurrencyStamp);
    if (!updated)
        return updated.error();
    // An extension replaces the connection's only credential: its history says when.
    if (recovered || extended) {
        const QString &reason = extended ? kReasonExtended : kReasonRecovered;
        if (Result<void> r = appendHistory(row, ConnectionStatus::Connected, reason, {}, now); !r)
            return r;
    }
    return transaction.commit();
}

Result<void> RefreshScheduler::storeTransient(Job &job, const Error &error)
{
    Db::IntegrationConnection &row = job.row;
    const QDateTime now = m_clock.nowUtc();
    row.refreshFailureCount += 1;
    row.nextRefreshTime = now.addSecs(backoff(row.refreshFailureCount, m_settings).count());
    row.lastRefreshTime = now;
    row.lastRefreshOutcome = error.providerError.isEmpty()
                                 ? errorCodeName(error.code)
                                 : errorCodeName(error.code) + u':' + error.providerError;
    if (error.httpStatus > 0)
        row.lastRefreshOutcome += QStringLiteral(" (HTTP %1)").arg(error.httpStatus);
    clearLease(row);
    row.lastModificationTime = now;
    row.lastModifierId.reset();
    auto updated = Db::ConnectionRepository(m_db).update(row, row.concurrencyStamp);
    if (!updated)
        return updated.error();
    row.concurrencyStamp = updated.value();
    return {};
}

// One transaction: the status, the event for the server, the notifications and the history,
// so the user hears of a transition exactly when it is stored. Only a Connected row gets
// here, and the next sweep no longer lists it: once per transition, not once per attempt.
Result<void> RefreshScheduler::markRequiresReauth(Job &job, const QString &reason,
                                                  const QString &providerError)
{
    Db::IntegrationConnection &row = job.row;
    const QDateTime now = m_clock.nowUtc();
    const ConnectionStatus previous = row.status;
    row.status = ConnectionStatus::RequiresReauth;
    row.statusReason = reason;
    row.lastRefreshTime = now;
    row.lastRefreshOutcome =
        providerError.isEmpty() ? reason : reason + u':' + providerError.left(64);
    row.nextRefreshTime = QDateTime();
    clearLease(row);
    row.lastModificationTime = now;
    row.lastModifierId.reset();

    Db::Transaction transaction(m_db);
    if (Result<void> begun = transaction.begin(); !begun)
        return begun;
    if (auto updated = Db::ConnectionRepository(m_db).update(row, row.concurrencyStamp); !updated)
        return updated.error();
    const QJsonObject event{
        {QStringLiteral("connectionId"), Ids::text(row.id)},
        {QStringLiteral("tenantId"),
         row.tenantId ? QJsonValue(Ids::text(*row.tenantId)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("providerKey"), row.providerKey},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("providerError"),
         providerError.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(providerError)}};
    if (Result<void> r =
            Db::EventOutboxWriter(m_db).add(Contract::kEventConnectionDegraded, event, now);
        !r)
        return r;
    if (Result<void> r = notifyRecipients(job, now); !r)
        return r;
    if (Result<void> r = appendHistory(row, previous, reason, providerError, now); !r)
        return r;
    if (Result<void> r = transaction.commit(); !r)
        return r;
    emit connectionDegraded(row.id, row.providerKey, reauthMessage(job.provider.displayName));
    return {};
}

Result<void> RefreshScheduler::appendHistory(const Db::IntegrationConnection &row,
                                             ConnectionStatus from, const QString &reason,
                                             const QString &providerError, const QDateTime &now)
{
    Db::ConnectionHistoryEntry entry;
    entry.tenantId = row.tenantId;
    entry.connectionId = row.id;
    entry.fromStatus = from;
    entry.toStatus = row.status;
    entry.reason = reason;
    entry.providerError = providerError.left(64);
    entry.creationTime = now;
    return Db::ConnectionHistoryRepository(m_db).append(entry);
}

Result<void> RefreshScheduler::notifyRecipients(const Job &job, const QDateTime &now)
{
    const Result<QList<QUuid>> users = recipients(job.row);
    if (!users)
        return users.error();
    Db::NotificationRepository notifications(m_db);
    for (const QUuid &user : users.value()) {
        Db::Notification notification;
        notification.tenantId = job.row.tenantId;
        notification.userId = user;
        notification.connectionId = job.row.id;
        notification.kind = kNotificationKind;
        notification.message = reauthMessage(job.provider.displayName);
        notification.creationTime = now;
        if (Result<void> r = notifications.insert(notification); !r)
            return r;
    }
    return {};
}

// The owner of a personal connection; for a brand account connection every active user of
// the tenant who may use brand accounts, or its creator when nobody holds that permission.
Result<QList<QUuid>> RefreshScheduler::recipients(const Db::IntegrationConnection &row) const
{
    if (row.ownerUserId)
        return QList<QUuid>{*row.ownerUserId};
    Db::SqlStatement st(m_db, QStringLiteral("refresh.tenant-users"));
    st.prepare(QStringLiteral("SELECT \"Id\" FROM \"AbpUsers\" WHERE \"IsDeleted\" = :Deleted "
                              "AND \"IsActive\" = :Active AND ") +
               (row.tenantId ? QStringLiteral("\"TenantId\" = :Tenant")
                             : QStringLiteral("\"TenantId\" IS NULL")));
    st.bind(QStringLiteral(":Deleted"), m_db.boolean(false));
    st.bind(QStringLiteral(":Active"), m_db.boolean(true));
    if (row.tenantId)
        st.bind(QStringLiteral(":Tenant"), m_db.guid(*row.tenantId));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<QUuid> users;
    while (st.next())
        users.append(m_db.readGuid(st.value(QStringLiteral("Id"))));
    QList<QUuid> allowed;
    const Db::IdentityReader identity(m_db);
    for (const QUuid &user : std::as_const(users)) {
        auto granted = identity.grantedPermissions(row.tenantId, user);
        if (!granted)
            return granted.error();
        if (granted.value().contains(kUseBrandAccounts))
            allowed.append(user);
    }
    if (allowed.isEmpty() && row.creatorId)
        allowed.append(*row.creatorId);
    return allowed;
}

void RefreshScheduler::releaseLease(const QUuid &id)
{
    if (id.isNull())
        return;
    if (auto released = Db::ConnectionRepository(m_db).releaseRefreshLease(id, m_owner); !released)
        qCDebug(lcRefresh) << "Lease not released:" << errorCodeName(released.error().code);
}

void RefreshScheduler::finish(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Refreshed:
        ++m_summary.refreshed;
        break;
    case Outcome::Elsewhere:
        ++m_summary.refreshedElsewhere;
        break;
    case Outcome::Transient:
        ++m_summary.transientFailures;
        break;
    case Outcome::Reauth:
        ++m_summary.requiresReauth;
        break;
    case Outcome::Busy:
        ++m_summary.busy;
        break;
    case Outcome::Failed:
        ++m_summary.failed;
        break;
    }
    --m_active;
    // Queued, so a job that ends at once never recurses into the next one.
    QMetaObject::invokeMethod(this, &RefreshScheduler::pump, Qt::QueuedConnection);
}

void RefreshScheduler::endSweep()
{
    if (!m_sweeping)
        return;
    m_sweeping = false;
    // A timer-driven app sweeps often; only sweeps that found work are worth a line.
    if (m_summary.due == 0 && m_summary.failed == 0)
        qCDebug(lcRefresh) << "Sweep done: nothing due";
    else
        qCInfo(lcRefresh) << "Sweep done:" << m_summary.due << "due," << m_summary.refreshed
                          << "refreshed," << m_summary.requiresReauth << "need re-auth,"
                          << m_summary.transientFailures << "transient," << m_summary.failed
                          << "failed";
    emit sweepFinished(m_summary);
}

} // namespace EasyCrm
