#include "core/service/connectionservice.h"

#include "core/common/ids.h"
#include "core/common/secret.h"
#include "core/crypto/dataprotector.h"
#include "core/db/auditwriter.h"
#include "core/db/backgroundjobwriter.h"
#include "core/db/brandaccountrepository.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/pendingauthorizationrepository.h"
#include "core/db/providerconfigrepository.h"
#include "core/db/securitylogwriter.h"
#include "core/oauth/authorizationstep.h"
#include "core/oauth/loopbackreplyhandler.h"
#include "core/oauth/pkce.h"
#include "core/oauth/profileclient.h"
#include "core/oauth/tokenclient.h"
#include "core/service/actionaudit.h"
#include "core/service/crmcontract.h"
#include "core/service/providerendpoints.h"
#include "core/service/refreshscheduler.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QPointer>

Q_LOGGING_CATEGORY(lcService, "easycrm.service", QtInfoMsg)

namespace EasyCrm {

namespace {

ConnectionState toState(Db::ConnectionStatus status)
{
    switch (status) {
    case Db::ConnectionStatus::Connected:
        return ConnectionState::Connected;
    case Db::ConnectionStatus::RequiresReauth:
        return ConnectionState::RequiresReauth;
    case Db::ConnectionStatus::NotConnected:
        return ConnectionState::NotConnected;
    }
    return ConnectionState::NotConnected;
}

bool isConfigured(const std::optional<Db::ProviderConfig> &config)
{
    return config && config->isEnabled && !config->clientId.isEmpty();
}

QJsonValue guidOrNull(const std::optional<QUuid> &id)
{
    return id ? QJsonValue(Ids::text(*id)) : QJsonValue(QJsonValue::Null);
}

// System.Text.Json writes a UTC DateTime as ISO 8601 with seven fraction digits and a Z.
QString jsonTime(const QDateTime &utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz0000Z"));
}

// Every attempt has its own number: an answer that arrives for an attempt already cancelled
// or timed out must never be taken for the attempt that runs now.
quint64 nextAttemptSerial()
{
    static quint64 last = 0;
    return ++last;
}

} // namespace

struct ConnectionService::Attempt
{
    const quint64 serial = nextAttemptSerial();
    QString providerKey;
    ProviderDescriptor provider;
    Db::ProviderConfig config;
    QStringList scopes;
    std::optional<Db::IntegrationConnection> existing;
    std::optional<BrandTarget> brand; // set for a brand account's connection
    QUuid pendingId;
    OAuth::Pkce pkce;
    QByteArray state;
    QUrl authorizeUrl;
    QPointer<OAuth::LoopbackReplyHandler> handler;
    QPointer<OAuth::AuthorizationStep> step;
    FlowPhase phase = FlowPhase::Preparing;
    QByteArray accessToken;
    QByteArray refreshToken;
    OAuth::TokenResponse tokens;
    Error storageFailure; // the database failed while checking the returned state

    ~Attempt()
    {
        wipe(pkce.verifier);
        wipe(state);
        wipe(accessToken);
        wipe(refreshToken);
        if (handler) {
            handler->close();
            handler->deleteLater();
        }
        if (step)
            step->deleteLater();
    }
};

ConnectionService::ConnectionService(Db::Database &database, const Crypto::DataProtector &protector,
                                     const ProviderCatalogue &catalogue, SessionUser user,
                                     const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_db(database)
    , m_protector(protector)
    , m_catalogue(catalogue)
    , m_user(std::move(user))
    , m_clock(clock)
    , m_network(new QNetworkAccessManager(this))
    , m_tokens(new OAuth::TokenClient(m_network, this))
    , m_profiles(new OAuth::ProfileClient(m_network, this))
{
    setSettings(m_settings);
}

ConnectionService::~ConnectionService() = default;

void ConnectionService::setBrowserOpener(BrowserOpener opener)
{
    m_openBrowser = std::move(opener);
}

void ConnectionService::setStepHook(StepHook hook)
{
    m_stepHook = std::move(hook);
}

void ConnectionService::reachStep(const QString &step) const
{
    if (m_stepHook)
        m_stepHook(step);
}

void ConnectionService::setSettings(const Settings &settings)
{
    m_settings = settings;
    m_tokens->setTimeout(settings.networkTimeout);
    m_profiles->setTimeout(settings.networkTimeout);
}

FlowPhase ConnectionService::phase() const
{
    return m_attempt ? m_attempt->phase : FlowPhase::Idle;
}

QString ConnectionService::activeProvider() const
{
    return m_attempt ? m_attempt->providerKey : QString();
}

QUrl ConnectionService::authorizeUrl() const
{
    return m_attempt ? m_attempt->authorizeUrl : QUrl();
}

Result<QList<ProviderStatus>> ConnectionService::providerStatuses() const
{
    Db::ProviderConfigRepository configs(m_db);
    Db::ConnectionRepository connections(m_db);
    QList<ProviderStatus> statuses;
    for (const ProviderDescriptor &provider : m_catalogue.providers()) {
        auto config = configs.findEffective(m_user.tenantId, provider.key);
        if (!config)
            return config.error();
        auto connection = connections.findForUser(m_user.tenantId, m_user.userId, provider.key);
        if (!connection)
            return connection.error();
        ProviderStatus status;
        status.providerKey = provider.key;
        status.providerName = provider.displayName;
        status.configured = isConfigured(config.value());
        m_shownStamps.remove(provider.key);
        if (const auto &row = connection.value()) {
            m_shownStamps.insert(provider.key, row->concurrencyStamp);
            status.state = toState(row->status);
            status.connectionId = row->id;
            status.externalHandle = row->externalHandle;
            status.externalDisplayName = row->externalDisplayName;
            status.lastSyncUtc = row->lastSyncTime;
            status.statusReason = row->statusReason;
            status.expiryWarningUtc = RefreshScheduler::expiryWarningTime(*row, provider);
            if (status.expiryWarningUtc.isValid())
                status.expiresAtUtc = row->accessTokenExpiresAt;
        }
        statuses.append(status);
    }
    return statuses;
}

void ConnectionService::startConnect(const QString &providerKey)
{
    auto attempt = std::make_unique<Attempt>();
    attempt->providerKey = providerKey;
    run(std::move(attempt));
}

void ConnectionService::run(std::unique_ptr<Attempt> attempt)
{
    if (m_attempt) {
        emit connectFailed(
            attempt->providerKey,
            makeError(ErrorCode::Busy, tr("Another connection is in progress. Finish or cancel it "
                                          "first.")));
        return;
    }
    m_attempt = std::move(attempt);
    setPhase(FlowPhase::Preparing);
    Result<void> ready = prepareAttempt(*m_attempt);
    if (ready)
        ready = listenAndRemember(*m_attempt);
    if (!ready) {
        fail(ready.error());
        return;
    }
    startStep(*m_attempt);
}

Result<void> ConnectionService::prepareAttempt(Attempt &attempt)
{
    if (attempt.brand) {
        if (Result<void> target = prepareBrandTarget(attempt); !target)
            return target;
    }
    const ProviderDescriptor *provider = m_catalogue.find(attempt.providerKey);
    if (!provider)
        return makeError(ErrorCode::ProviderUnknown, tr("This provider is not known."));
    Db::ProviderConfigRepository configs(m_db);
    auto config = configs.findEffective(m_user.tenantId, attempt.providerKey);
    if (!config)
        return config.error();
    if (!isConfigured(config.value())) {
        return makeError(ErrorCode::ProviderNotConfigured,
                         tr("Contact your administrator to enable this provider"));
    }
    attempt.config = *config.value();
    attempt.provider = withOverrides(*provider, overridesOf(attempt.config));
    attempt.scopes = attempt.config.enabledScopes.isEmpty() ? provider->defaultScopes
                                                            : attempt.config.enabledScopes;
    if (attempt.brand)
        return {}; // prepareBrandTarget found the connection a reconnect repairs

    Db::ConnectionRepository connections(m_db);
    auto existing = connections.findForUser(m_user.tenantId, m_user.userId, attempt.providerKey);
    if (!existing)
        return existing.error();
    // A connection nothing renews in time may be reconnected early, in place, while it warns
    // that it expires; a healthy one is connected already.
    if (existing.value() && existing.value()->status == Db::ConnectionStatus::Connected) {
        const QDateTime warnsFrom =
            RefreshScheduler::expiryWarningTime(*existing.value(), attempt.provider);
        if (!warnsFrom.isValid() || m_clock.nowUtc() < warnsFrom)
            return alreadyConnectedError(QStringLiteral("prepare: connected"));
    }
    attempt.existing = existing.value();
    return {};
}

// A fresh verifier and state per attempt (RFC 7636 §4.1, RFC 9700 §4.7), remembered only as
// a protected verifier and a state hash, and a listener for this attempt alone.
Result<void> ConnectionService::listenAndRemember(Attempt &attempt)
{
    auto pkce = OAuth::makePkce(attempt.provider.pkceChallenge);
    auto state = OAuth::makeState();
    if (!pkce)
        return pkce.error();
    if (!state)
        return state.error();
    attempt.pkce = std::move(pkce).value();
    attempt.state = std::move(state).value();

    // A provider that registers one exact redirect URI (X) rejects any other port. Where any
    // port would do, the admin may still have pinned the one registered with the provider.
    const bool fixedPort = attempt.provider.redirectPort == RedirectPortRule::Fixed;
    const int port = fixedPort || attempt.config.redirectPort > 0 ? attempt.config.redirectPort : 0;
    if (fixedPort && (port <= 0 || port > 65535)) {
        return makeError(ErrorCode::ProviderNotConfigured,
                         tr("%1 needs the fixed redirect port registered with it. Ask your "
                            "administrator to set it in the provider configuration.")
                             .arg(attempt.provider.displayName));
    }
    auto *handler = new OAuth::LoopbackReplyHandler(this);
    attempt.handler = handler;
    if (const Result<void> listening = handler->listen(static_cast<quint16>(port)); !listening)
        return listening.error();

    auto verifier = m_protector.protect(attempt.pkce.verifier);
    if (!verifier)
        return verifier.error();

    Db::PendingAuthorization pending;
    pending.id = Ids::newGuid();
    pending.tenantId = m_user.tenantId;
    pending.userId = m_user.userId;
    pending.providerKey = attempt.providerKey;
    if (attempt.brand)
        pending.brandAccountId = attempt.brand->accountId;
    if (attempt.existing)
        pending.connectionId = attempt.existing->id;
    pending.stateHash = QString::fromLatin1(OAuth::stateHash(attempt.state));
    pending.protectedCodeVerifier = verifier.value();
    pending.redirectUri = handler->callback();
    pending.requestedScopes = attempt.scopes;
    pending.creationTime = m_clock.nowUtc();
    pending.expiresAt = pending.creationTime.addSecs(m_settings.pendingLifetime.count());
    Db::PendingAuthorizationRepository pendings(m_db);
    reachStep(QStringLiteral("pending-insert"));
    if (const Result<void> stored = pendings.insert(pending); !stored)
        return stored.error();
    attempt.pendingId = pending.id;
    return {};
}

void ConnectionService::startStep(Attempt &attempt)
{
    OAuth::LoopbackReplyHandler *handler = attempt.handler;
    handler->setStateValidator([this](const QByteArray &state) { return checkState(state); });
    connect(handler, &OAuth::LoopbackReplyHandler::authorizationReceived, this,
            [this](const OAuth::AuthorizationResponse &r) { onCallback(r.code, r.issuer); });
    connect(
        handler, &OAuth::LoopbackReplyHandler::authorizationFailed, this,
        [this](const OAuth::AuthorizationErrorResponse &r) { onCallbackError(r.error, r.issuer); });
    connect(handler, &OAuth::LoopbackReplyHandler::stateRejected, this,
            &ConnectionService::onStateRejected);

    OAuth::AuthorizationRequest request;
    request.provider = attempt.provider;
    request.clientId = attempt.config.clientId;
    request.scopes = attempt.scopes;
    request.state = attempt.state;
    request.pkce = attempt.pkce;
    attempt.step = new OAuth::AuthorizationStep(request, handler, this);
    connect(attempt.step, &OAuth::AuthorizationStep::authorizeUrlReady, this,
            &ConnectionService::onAuthorizeUrl);
    connect(attempt.step, &OAuth::AuthorizationStep::failed, this, &ConnectionService::fail);

    // The listener waits as long as the pending authorization lives, then closes itself.
    connect(handler, &OAuth::LoopbackReplyHandler::timedOut, this, [this] {
        fail(makeError(ErrorCode::BrowserTimedOut,
                       tr("The browser did not come back in time. Try connecting again.")));
    });
    handler->setWaitLimit(m_settings.pendingLifetime);
    attempt.step->start();
}

OAuth::StateVerdict ConnectionService::checkState(const QByteArray &state)
{
    if (state.isEmpty())
        return OAuth::StateVerdict::Missing;
    Db::PendingAuthorizationRepository pendings(m_db);
    reachStep(QStringLiteral("state-consume"));
    const auto consumed =
        pendings.consume(QString::fromLatin1(OAuth::stateHash(state)), m_clock.nowUtc());
    if (!consumed) {
        switch (consumed.error().code) {
        case ErrorCode::Expired:
            return OAuth::StateVerdict::Expired;
        case ErrorCode::AlreadyUsed:
            return OAuth::StateVerdict::AlreadyUsed;
        case ErrorCode::NotFound:
            return OAuth::StateVerdict::Unknown;
        default:
            // The database failed, not the state. Fail closed (HTTP 400); onStateRejected
            // then ends the attempt with this error instead of logging a security event.
            if (m_attempt)
                m_attempt->storageFailure = m_db.explainFailure(consumed.error());
            return OAuth::StateVerdict::Unknown;
        }
    }
    // A state of another attempt (another client, another provider) is not ours to accept.
    if (!m_attempt || consumed.value().id != m_attempt->pendingId)
        return OAuth::StateVerdict::Unknown;
    return OAuth::StateVerdict::Accepted;
}

void ConnectionService::onAuthorizeUrl(const QUrl &url)
{
    if (!m_attempt)
        return;
    m_attempt->authorizeUrl = url;
    setPhase(FlowPhase::WaitingForBrowser);
    emit authorizeUrlReady(m_attempt->providerKey, url);
    const bool opened = m_openBrowser && m_openBrowser(url);
    if (!opened)
        reportBrowserFailed();
}

void ConnectionService::reportBrowserFailed()
{
    if (!m_attempt || m_attempt->phase != FlowPhase::WaitingForBrowser)
        return;
    qCWarning(lcService) << "The system browser could not be opened";
    emit notice(m_attempt->providerKey,
                tr("The browser could not be opened. Use \"Copy link\" and open the link in "
                   "your browser."));
}

void ConnectionService::onStateRejected(OAuth::StateVerdict verdict, const QString &clientAddress)
{
    if (m_attempt && m_attempt->storageFailure.isError()) {
        const Error failure = m_attempt->storageFailure; // fail() ends the attempt
        fail(failure);
        return;
    }
    const QString reason = OAuth::stateVerdictName(verdict);
    qCWarning(lcService) << "Rejected an authorization callback:" << reason;
    writeSecurityLog(Contract::kSecurityStateRejected, reason, clientAddress);
    if (m_attempt) {
        emit notice(m_attempt->providerKey,
                    tr("A sign-in response that did not belong to this attempt was refused. "
                       "Still waiting for the browser."));
    }
}

void ConnectionService::writeSecurityLog(const QString &action, const QString &reason,
                                         const QString &clientAddress)
{
    Db::SecurityLogEntry entry;
    entry.tenantId = m_user.tenantId;
    entry.tenantName = m_user.tenantName;
    entry.userId = m_user.userId;
    entry.userName = m_user.userName;
    entry.applicationName = Contract::kApplicationName;
    entry.identity = Contract::kSecurityIdentity;
    entry.action = action;
    entry.clientIpAddress = clientAddress;
    entry.browserInfo = Contract::kClientName;
    entry.extraProperties =
        QJsonObject{{QStringLiteral("reason"), reason},
                    {QStringLiteral("provider"), m_attempt ? m_attempt->providerKey : QString()}};
    entry.creationTime = m_clock.nowUtc();
    Db::SecurityLogWriter writer(m_db);
    if (const Result<void> written = writer.write(entry); !written)
        qCWarning(lcService) << "The security log entry could not be written";
}

bool ConnectionService::issuerAccepted(const QString &issuer) const
{
    // RFC 9207 §2.4: a client that knows the server sends `iss` rejects a response whose
    // `iss` is missing or names another server (mix-up defence).
    const QString expected = m_attempt->provider.issuer;
    if (issuer.isEmpty())
        return !m_attempt->provider.sendsIssuer;
    return expected.isEmpty() || issuer == expected;
}

// RFC 9207 §2.4: the whole response is refused, before anything of it is used.
void ConnectionService::refuseIssuer()
{
    writeSecurityLog(Contract::kSecurityIssuerMismatch, QStringLiteral("IssuerMismatch"), {});
    fail(makeError(ErrorCode::IssuerMismatch,
                   tr("The sign-in response came from another server than %1 and was "
                      "refused.")
                       .arg(m_attempt->provider.displayName)));
}

void ConnectionService::onCallback(const QByteArray &code, const QString &issuer)
{
    if (!m_attempt)
        return;
    if (!issuerAccepted(issuer)) {
        refuseIssuer();
        return;
    }
    setPhase(FlowPhase::Exchanging);

    const OAuth::TokenEndpoint endpoint = endpointFor(m_attempt->provider, m_attempt->config);
    QPointer<ConnectionService> self(this);
    const quint64 serial = m_attempt->serial;
    m_tokens->exchangeCode(endpoint, code, QUrl(m_attempt->handler->callback(), QUrl::StrictMode),
                           m_attempt->pkce.verifier, m_attempt->scopes,
                           [self, serial](Result<OAuth::TokenResponse> tokens) {
                               if (!self || !self->m_attempt || self->m_attempt->serial != serial)
                                   return;
                               if (!tokens) {
                                   self->fail(tokens.error());
                                   return;
                               }
                               self->onTokens(tokens.value());
                           });
}

OAuth::TokenEndpoint ConnectionService::endpointFor(const ProviderDescriptor &provider,
                                                    const Db::ProviderConfig &config) const
{
    QByteArray secret;
    if (!config.protectedClientSecret.isEmpty()) {
        auto unprotected = m_protector.unprotect(config.protectedClientSecret);
        if (unprotected)
            secret = unprotected.value();
        else
            qCWarning(lcService) << "The client secret could not be unprotected:"
                                 << errorCodeName(unprotected.error().code);
    }
    OAuth::TokenEndpoint endpoint =
        OAuth::tokenEndpointFor(provider, provider.tokenEndpoint, config.clientId, secret);
    wipe(secret);
    return endpoint;
}

void ConnectionService::onCallbackError(const QString &error, const QString &issuer)
{
    if (!m_attempt)
        return;
    // RFC 9207 §2: error responses carry `iss` too. An error from another server is a mix-up,
    // not the person's answer.
    if (!issuerAccepted(issuer)) {
        refuseIssuer();
        return;
    }
    if (error == u"access_denied") {
        fail(makeError(ErrorCode::AccessDenied,
                       tr("Social connection was not authorized. The required scopes are "
                          "needed for listening and engagement"),
                       QStringLiteral("access_denied")));
        return;
    }
    Error failure = makeError(ErrorCode::AuthorizationError,
                              tr("%1 refused the authorization (%2).")
                                  .arg(m_attempt->provider.displayName, error.left(64)));
    failure.providerError = error.left(64);
    fail(failure);
}

void ConnectionService::onTokens(const OAuth::TokenResponse &tokens)
{
    m_attempt->tokens = tokens;
    setPhase(FlowPhase::Verifying);
    QPointer<ConnectionService> self(this);
    const quint64 serial = m_attempt->serial;
    m_profiles->fetch(m_attempt->provider.profileEndpoint, m_attempt->provider.profile,
                      tokens.accessToken, [self, serial](Result<OAuth::Profile> profile) {
                          if (!self || !self->m_attempt || self->m_attempt->serial != serial)
                              return;
                          if (!profile) {
                              self->fail(profile.error());
                              return;
                          }
                          self->onProfile(profile.value());
                      });
}

void ConnectionService::onProfile(const OAuth::Profile &profile)
{
    setPhase(FlowPhase::Saving);
    const Result<QString> saved = save(profile);
    if (!saved) {
        const bool changedElsewhere = isChangedElsewhere(saved.error());
        fail(saved.error());
        if (changedElsewhere)
            emit statusesChanged(); // show what the other client wrote
        return;
    }
    const QString key = m_attempt->providerKey;
    finishAttempt();
    emit statusesChanged();
    emit connectSucceeded(key, saved.value());
}

Result<QString> ConnectionService::save(const OAuth::Profile &profile)
{
    Attempt &attempt = *m_attempt;
    const auto &existing = attempt.existing;
    // Reconnect repairs the same account: a different identity would silently swap whose
    // mentions and messages the CRM reads.
    if (existing && existing->status != Db::ConnectionStatus::NotConnected &&
        existing->externalUserId != profile.id) {
        return makeError(ErrorCode::IdentityMismatch,
                         tr("You signed in as another %1 account than the one this connection "
                            "belongs to (@%2). Sign in as @%2 to reconnect it.")
                             .arg(attempt.provider.displayName, existing->externalHandle));
    }
    if (attempt.brand) {
        if (Result<void> free = checkBrandIdentityFree(profile); !free)
            return free.error();
    }
    auto access = m_protector.protect(attempt.tokens.accessToken);
    if (!access)
        return access.error();
    QString refresh;
    if (!attempt.tokens.refreshToken.isEmpty()) {
        auto protectedRefresh = m_protector.protect(attempt.tokens.refreshToken);
        if (!protectedRefresh)
            return protectedRefresh.error();
        refresh = protectedRefresh.value();
    }

    const QDateTime now = m_clock.nowUtc();
    const bool isNew = !existing;
    Db::IntegrationConnection row = existing.value_or(Db::IntegrationConnection{});
    const Db::ConnectionStatus previous = row.status;
    if (isNew) {
        row.tenantId = m_user.tenantId;
        // DESIGN §2: a brand account's connection has no owner user.
        if (attempt.brand)
            row.brandAccountId = attempt.brand->accountId;
        else
            row.ownerUserId = m_user.userId;
        row.providerKey = attempt.providerKey;
    }
    row.externalUserId = profile.id;
    row.externalHandle = profile.handle;
    row.externalDisplayName = profile.displayName;
    row.protectedAccessToken = access.value();
    row.protectedRefreshToken = refresh;
    row.accessTokenExpiresAt = attempt.tokens.expiresInSeconds
                                   ? now.addSecs(*attempt.tokens.expiresInSeconds)
                                   : QDateTime();
    // LinkedIn gives refresh tokens a fixed lifetime and says so in refresh_token_expires_in.
    row.refreshTokenExpiresAt = attempt.tokens.refreshExpiresInSeconds && !refresh.isEmpty()
                                    ? now.addSecs(*attempt.tokens.refreshExpiresInSeconds)
                                    : QDateTime();
    row.grantedScopes = attempt.tokens.scopeOmitted ? attempt.scopes : attempt.tokens.grantedScopes;
    row.status = Db::ConnectionStatus::Connected;
    row.statusReason.clear();
    row.lastSyncTime = now;
    row.refreshFailureCount = 0;

    if (Result<void> written = writeConnection(row, previous, isNew, now); !written)
        return explainRace(written.error());
    return row.externalHandle;
}

// One transaction (DESIGN §6): the connection, its audit entry, both jobs and the history
// row commit together or not at all.
Result<void> ConnectionService::writeConnection(Db::IntegrationConnection &row,
                                                Db::ConnectionStatus previous, bool isNew,
                                                const QDateTime &now)
{
    Db::Transaction transaction(m_db);
    reachStep(QStringLiteral("begin"));
    if (Result<void> begun = transaction.begin(); !begun)
        return begun;
    const QString action =
        isNew ? Contract::kActionConnectionCreated : Contract::kActionConnectionReconnected;
    if (m_attempt->brand && m_attempt->brand->isNew) {
        reachStep(QStringLiteral("brand-insert"));
        if (Result<void> added = insertBrandAccount(*m_attempt->brand, now); !added)
            return added;
    }
    reachStep(isNew ? QStringLiteral("connection-insert") : QStringLiteral("connection-update"));
    if (Result<void> stored = storeConnection(row, isNew, now); !stored)
        return stored;
    reachStep(QStringLiteral("audit"));
    if (Result<void> audited = writeAudit(row, action, now); !audited)
        return audited;
    reachStep(QStringLiteral("jobs"));
    if (Result<void> queued = enqueueJobs(row, now); !queued)
        return queued;
    reachStep(QStringLiteral("history"));
    if (Result<void> recorded = recordHistory(row, previous, action, now); !recorded)
        return recorded;
    reachStep(QStringLiteral("commit"));
    return transaction.commit();
}

Result<void> ConnectionService::storeConnection(Db::IntegrationConnection &row, bool isNew,
                                                const QDateTime &now)
{
    Db::ConnectionRepository connections(m_db);
    if (isNew) {
        row.creationTime = now;
        row.creatorId = m_user.userId;
        return connections.insert(row);
    }
    row.lastModificationTime = now;
    row.lastModifierId = m_user.userId;
    auto updated = connections.update(row, row.concurrencyStamp);
    if (!updated)
        return updated.error();
    row.concurrencyStamp = updated.value();
    return {};
}

Result<void> ConnectionService::writeAudit(const Db::IntegrationConnection &row,
                                           const QString &action, const QDateTime &now)
{
    QJsonObject parameters{{QStringLiteral("connectionId"), Ids::text(row.id)},
                           {QStringLiteral("providerKey"), row.providerKey}};
    if (row.brandAccountId)
        parameters.insert(QStringLiteral("brandAccountId"), Ids::text(*row.brandAccountId));
    Db::AuditEntry entry =
        actionAudit(m_user, Contract::kAuditServiceName, action, parameters, now);
    entry.entityId = Ids::text(row.id);
    entry.entityTypeFullName = Contract::kConnectionEntityType;
    entry.changeType = action == Contract::kActionConnectionCreated ? Db::EntityChangeType::Created
                                                                    : Db::EntityChangeType::Updated;
    return Db::AuditWriter(m_db).write(entry);
}

Result<void> ConnectionService::recordHistory(const Db::IntegrationConnection &row,
                                              Db::ConnectionStatus from, const QString &reason,
                                              const QDateTime &now)
{
    Db::ConnectionHistoryEntry history;
    history.tenantId = m_user.tenantId;
    history.connectionId = row.id;
    history.fromStatus = from;
    history.toStatus = row.status;
    history.reason = reason;
    history.creationTime = now;
    history.creatorId = m_user.userId;
    return Db::ConnectionHistoryRepository(m_db).append(history);
}

Result<void> ConnectionService::enqueueJobs(const Db::IntegrationConnection &row,
                                            const QDateTime &now)
{
    const QJsonObject common{{QStringLiteral("connectionId"), Ids::text(row.id)},
                             {QStringLiteral("tenantId"), guidOrNull(m_user.tenantId)},
                             {QStringLiteral("providerKey"), row.providerKey}};
    QJsonObject backfill = common;
    backfill.insert(QStringLiteral("fromTime"),
                    jsonTime(now.addDays(-Contract::kMentionBackfillDays)));
    backfill.insert(QStringLiteral("toTime"), jsonTime(now));
    Db::BackgroundJobWriter jobs(m_db);
    if (Result<void> queued = jobs.enqueue(Contract::kJobProfileEnrichment, common,
                                           Contract::kJobPriorityNormal, now);
        !queued)
        return queued;
    return jobs.enqueue(Contract::kJobMentionBackfill, backfill, Contract::kJobPriorityNormal, now);
}

void ConnectionService::disconnectProvider(const QString &providerKey)
{
    Db::ConnectionRepository connections(m_db);
    auto found = connections.findForUser(m_user.tenantId, m_user.userId, providerKey);
    if (!found) {
        reportDisconnectFailed(providerKey, found.error());
        return;
    }
    if (!found.value()) {
        emit disconnectFinished(
            providerKey, makeError(ErrorCode::NotFound, tr("This provider is not connected.")));
        return;
    }
    disconnectRow(providerKey, *found.value(), providerKey);
}

// `shownKey` names the version the page showed in m_shownStamps: the provider key for the
// user's own connection, the connection id for a brand account's.
void ConnectionService::disconnectRow(const QString &providerKey,
                                      const Db::IntegrationConnection &row, const QString &shownKey)
{
    // The person chose on what the page showed. A row changed since (another client, another
    // machine) is not theirs to overwrite: reload it and let them look again.
    const auto shown = m_shownStamps.constFind(shownKey);
    if (shown != m_shownStamps.cend() && *shown != row.concurrencyStamp) {
        reportDisconnectFailed(providerKey,
                               changedElsewhereError(QStringLiteral("disconnect: stale stamp")));
        return;
    }
    // Revoke the refresh token where there is one: RFC 7009 §2.1 has the server drop the
    // access tokens of the same grant with it.
    const QString protectedToken =
        row.protectedRefreshToken.isEmpty() ? row.protectedAccessToken : row.protectedRefreshToken;
    const bool isRefresh = !row.protectedRefreshToken.isEmpty();
    auto token = protectedToken.isEmpty() ? Result<QByteArray>(QByteArray())
                                          : m_protector.unprotect(protectedToken);

    if (Result<void> removed = removeTokens(row); !removed) {
        reportDisconnectFailed(providerKey, removed.error());
        return;
    }
    m_shownStamps.remove(shownKey);
    emit statusesChanged();
    revokeAtProvider(providerKey, std::move(token), isRefresh);
}

Result<void> ConnectionService::removeTokens(Db::IntegrationConnection row)
{
    const QDateTime now = m_clock.nowUtc();
    const Db::ConnectionStatus previous = row.status;
    Db::Transaction transaction(m_db);
    if (Result<void> begun = transaction.begin(); !begun)
        return begun;
    auto cleared = Db::ConnectionRepository(m_db).clearTokens(
        row.id, row.concurrencyStamp, QStringLiteral("Disconnected"), now, m_user.userId);
    if (!cleared)
        return cleared.error();
    row.status = Db::ConnectionStatus::NotConnected;
    if (Result<void> audited = writeAudit(row, Contract::kActionConnectionRevoked, now); !audited)
        return audited;
    if (Result<void> recorded =
            recordHistory(row, previous, Contract::kActionConnectionRevoked, now);
        !recorded)
        return recorded;
    return transaction.commit();
}

void ConnectionService::reportDisconnectFailed(const QString &providerKey, const Error &error)
{
    const Error explained = m_db.explainFailure(explainRace(error));
    qCInfo(lcService) << "Disconnect failed:" << errorCodeName(explained.code);
    if (isChangedElsewhere(explained))
        emit statusesChanged();
    emit disconnectFailed(providerKey, explained);
}

void ConnectionService::revokeAtProvider(const QString &providerKey, Result<QByteArray> readable,
                                         bool isRefreshToken)
{
    if (!readable) {
        // Nothing readable to send, so the grant may well be alive at the provider: the person
        // must hear of it like any other failed revocation, not be told all went well.
        Error unread = readable.error();
        unread.message = tr("The stored token could not be read, so the provider was not asked "
                            "to revoke it.");
        unread.detail = QStringLiteral("revocation: stored token unreadable: ") + unread.detail;
        qCInfo(lcService) << "Revocation skipped:" << errorCodeName(unread.code);
        emit disconnectFinished(providerKey, unread);
        return;
    }
    QByteArray token = std::move(readable).value();
    const ProviderDescriptor *catalogued = m_catalogue.find(providerKey);
    auto config = Db::ProviderConfigRepository(m_db).findEffective(m_user.tenantId, providerKey);
    if (!catalogued || !config || !config.value() || token.isEmpty()) {
        emit disconnectFinished(providerKey, Error{});
        return;
    }
    const ProviderDescriptor provider = withOverrides(*catalogued, overridesOf(*config.value()));
    if (!provider.revocationEndpoint.isValid() || provider.revocationEndpoint.isEmpty()) {
        emit disconnectFinished(providerKey, Error{});
        return;
    }
    OAuth::TokenEndpoint endpoint = endpointFor(provider, *config.value());
    endpoint.url = provider.revocationEndpoint;
    QPointer<ConnectionService> self(this);
    m_tokens->revoke(endpoint, token, isRefreshToken, [self, providerKey](Result<void> revoked) {
        if (self)
            emit self->disconnectFinished(providerKey, revoked ? Error{} : revoked.error());
    });
    wipe(token);
}

void ConnectionService::setPhase(FlowPhase phase)
{
    if (!m_attempt)
        return;
    m_attempt->phase = phase;
    qCDebug(lcService) << "Connect attempt phase" << static_cast<int>(phase);
    emit phaseChanged(phase, m_attempt->providerKey);
}

void ConnectionService::fail(const Error &error)
{
    if (!m_attempt)
        return;
    const QString key = m_attempt->providerKey;
    // Copied before the attempt ends: `error` may live in it. Asked before any further use
    // of the database, which would reopen a lost connection.
    const Error explained = m_db.explainFailure(error);
    qCInfo(lcService) << "Connect attempt failed:" << errorCodeName(explained.code);
    finishAttempt();
    emit connectFailed(key, explained);
}

void ConnectionService::finishAttempt()
{
    if (!m_attempt)
        return;
    const QString key = m_attempt->providerKey;
    m_attempt.reset();
    emit phaseChanged(FlowPhase::Idle, key);
}

Error ConnectionService::alreadyConnectedError(const QString &detail)
{
    return makeError(ErrorCode::AlreadyConnected,
                     tr("This provider is already connected. Disconnect it first to connect "
                        "another account."),
                     detail);
}

Error ConnectionService::changedElsewhereError(const QString &detail)
{
    return makeError(ErrorCode::ConcurrencyConflict,
                     tr("This connection was changed elsewhere and has been reloaded; nothing "
                        "was overwritten. Check it and try again."),
                     detail);
}

bool ConnectionService::isChangedElsewhere(const Error &error)
{
    return error.code == ErrorCode::AlreadyConnected ||
           error.code == ErrorCode::ConcurrencyConflict;
}

// Another client got there first, and the database decided: its unique index (one connection
// per user and provider) or the row's ConcurrencyStamp. Said in the person's words.
Error ConnectionService::explainRace(const Error &error)
{
    switch (error.code) {
    case ErrorCode::AlreadyConnected:
        return alreadyConnectedError(error.detail);
    case ErrorCode::ConcurrencyConflict:
        return changedElsewhereError(error.detail);
    default:
        return error;
    }
}

void ConnectionService::cancel()
{
    if (!m_attempt)
        return;
    // Best effort: the listener closes with the attempt anyway, and the row expires on its own.
    if (!m_attempt->pendingId.isNull()) {
        const Result<void> withdrawn = Db::PendingAuthorizationRepository(m_db).withdraw(
            m_attempt->pendingId, m_clock.nowUtc());
        if (!withdrawn)
            qCInfo(lcService) << "Could not withdraw the cancelled pending authorization:"
                              << errorCodeName(withdrawn.error().code);
    }
    fail(makeError(ErrorCode::Cancelled, tr("Connecting was cancelled.")));
}

// --- Brand accounts -----------------------------------------------------------------------

Result<void> ConnectionService::requirePermission(const QString &permission) const
{
    if (m_user.isGranted(permission))
        return {};
    return makeError(ErrorCode::PermissionDenied,
                     tr("You do not have the permission to do this. Ask your administrator."),
                     QStringLiteral("missing permission ") + permission);
}

std::optional<QUuid> ConnectionService::activeBrandAccount() const
{
    if (!m_attempt || !m_attempt->brand)
        return std::nullopt;
    return m_attempt->brand->accountId;
}

Result<QList<BrandAccountStatus>> ConnectionService::brandStatuses() const
{
    if (Result<void> allowed = requirePermission(Contract::kPermissionUseBrandAccounts); !allowed)
        return allowed.error();
    auto accounts = Db::BrandAccountRepository(m_db).listForTenant(m_user.tenantId);
    if (!accounts)
        return accounts.error();
    auto connections = Db::ConnectionRepository(m_db).listBrandConnections(m_user.tenantId);
    if (!connections)
        return connections.error();
    QList<BrandAccountStatus> statuses;
    for (const Db::BrandAccount &account : accounts.value()) {
        BrandAccountStatus status;
        status.brandAccountId = account.id;
        status.name = account.name;
        bool any = false;
        for (const Db::IntegrationConnection &row : connections.value()) {
            if (row.brandAccountId != account.id)
                continue;
            any = true;
            BrandAccountStatus shown = status;
            const ProviderDescriptor *provider = m_catalogue.find(row.providerKey);
            shown.providerKey = row.providerKey;
            shown.providerName = provider ? provider->displayName : row.providerKey;
            shown.connectionId = row.id;
            shown.state = toState(row.status);
            shown.externalHandle = row.externalHandle;
            shown.externalDisplayName = row.externalDisplayName;
            shown.lastSyncUtc = row.lastSyncTime;
            shown.statusReason = row.statusReason;
            m_shownStamps.insert(Ids::text(row.id), row.concurrencyStamp);
            statuses.append(shown);
        }
        if (!any)
            statuses.append(status);
    }
    return statuses;
}

void ConnectionService::addBrandAccount(const QString &name, const QString &providerKey)
{
    auto attempt = std::make_unique<Attempt>();
    attempt->providerKey = providerKey;
    attempt->brand = BrandTarget{Ids::newGuid(), name.simplified(), true, {}};
    run(std::move(attempt));
}

void ConnectionService::reconnectBrand(const QUuid &connectionId)
{
    auto attempt = std::make_unique<Attempt>();
    attempt->brand = BrandTarget{{}, {}, false, connectionId};
    run(std::move(attempt));
}

// Who may act, on what: checked here, in the core, whatever the page shows.
Result<void> ConnectionService::prepareBrandTarget(Attempt &attempt)
{
    BrandTarget &brand = *attempt.brand;
    if (Result<void> allowed = requirePermission(Contract::kPermissionUseBrandAccounts); !allowed)
        return allowed;
    if (brand.isNew) {
        if (Result<void> allowed = requirePermission(Contract::kPermissionManageBrandAccounts);
            !allowed)
            return allowed;
        if (brand.name.isEmpty() || brand.name.size() > 128) {
            return makeError(ErrorCode::InvalidConfiguration,
                             tr("Give the brand account a name of at most 128 characters."));
        }
        return {};
    }
    auto row = findBrandConnection(brand.reconnectId);
    if (!row)
        return row.error();
    attempt.providerKey = row.value().providerKey;
    brand.accountId = *row.value().brandAccountId;
    attempt.existing = row.value();
    return {};
}

// A brand connection of the signed-in user's tenant, or NotFound: another tenant's rows and
// users' own connections are not reachable through these calls.
Result<Db::IntegrationConnection> ConnectionService::findBrandConnection(const QUuid &id) const
{
    auto found = Db::ConnectionRepository(m_db).findById(id);
    if (!found)
        return found.error();
    const auto &row = found.value();
    if (!row || !row->brandAccountId || row->tenantId != m_user.tenantId) {
        return makeError(ErrorCode::NotFound,
                         tr("This brand connection no longer exists. The list was reloaded."));
    }
    return *row;
}

// DESIGN §2: one external identity is connected to at most one brand account of the tenant.
// Checked here for a message that names the account; the unique index decides a race.
Result<void> ConnectionService::checkBrandIdentityFree(const OAuth::Profile &profile) const
{
    const Attempt &attempt = *m_attempt;
    auto holder = Db::ConnectionRepository(m_db).findBrandIdentity(m_user.tenantId,
                                                                   attempt.providerKey, profile.id);
    if (!holder)
        return holder.error();
    if (!holder.value() || (attempt.existing && holder.value()->id == attempt.existing->id))
        return {};
    auto account = Db::BrandAccountRepository(m_db).findById(*holder.value()->brandAccountId);
    const QString name = account && account.value() ? account.value()->name : QString();
    return makeError(ErrorCode::IdentityAlreadyConnected,
                     tr("@%1 is already connected to the brand account \"%2\". Reconnect that "
                        "brand account instead of adding the account again.")
                         .arg(profile.handle, name),
                     QStringLiteral("save: brand identity taken"));
}

Result<void> ConnectionService::insertBrandAccount(const BrandTarget &brand, const QDateTime &now)
{
    Db::BrandAccount account;
    account.id = brand.accountId;
    account.tenantId = m_user.tenantId;
    account.name = brand.name;
    account.creationTime = now;
    account.creatorId = m_user.userId;
    return Db::BrandAccountRepository(m_db).insert(account);
}

void ConnectionService::disconnectBrand(const QUuid &connectionId)
{
    if (Result<void> allowed = requirePermission(Contract::kPermissionUseBrandAccounts); !allowed) {
        emit disconnectFailed(QString(), allowed.error());
        return;
    }
    auto row = findBrandConnection(connectionId);
    if (!row) {
        reportDisconnectFailed(QString(), row.error());
        return;
    }
    disconnectRow(row.value().providerKey, row.value(), Ids::text(connectionId));
}

Result<void> ConnectionService::removeBrandAccount(const QUuid &brandAccountId)
{
    for (const QString &permission :
         {Contract::kPermissionUseBrandAccounts, Contract::kPermissionManageBrandAccounts}) {
        if (Result<void> allowed = requirePermission(permission); !allowed)
            return allowed;
    }
    auto account = Db::BrandAccountRepository(m_db).findById(brandAccountId);
    if (!account)
        return account.error();
    if (!account.value() || account.value()->tenantId != m_user.tenantId)
        return makeError(ErrorCode::NotFound, tr("This brand account no longer exists."));
    auto connections = Db::ConnectionRepository(m_db).listBrandConnections(m_user.tenantId);
    if (!connections)
        return connections.error();
    const QDateTime now = m_clock.nowUtc();
    Db::Transaction transaction(m_db);
    if (Result<void> begun = transaction.begin(); !begun)
        return begun;
    for (const Db::IntegrationConnection &row : connections.value()) {
        if (row.brandAccountId != brandAccountId)
            continue;
        // Its tokens would stay valid at the provider: revoke them through Disconnect first.
        if (row.status != Db::ConnectionStatus::NotConnected) {
            return makeError(
                ErrorCode::Busy,
                tr("Disconnect \"%1\" before removing it.").arg(account.value()->name));
        }
        if (Result<void> removed = Db::ConnectionRepository(m_db).remove(row.id); !removed)
            return removed;
    }
    if (Result<void> removed = Db::BrandAccountRepository(m_db).remove(brandAccountId); !removed)
        return removed;
    Db::AuditEntry entry = actionAudit(
        m_user, Contract::kAuditServiceName, Contract::kActionBrandAccountRemoved,
        QJsonObject{{QStringLiteral("brandAccountId"), Ids::text(brandAccountId)}}, now);
    entry.entityId = Ids::text(brandAccountId);
    entry.entityTypeFullName = Contract::kBrandAccountEntityType;
    entry.changeType = Db::EntityChangeType::Deleted;
    if (Result<void> audited = Db::AuditWriter(m_db).write(entry); !audited)
        return audited;
    if (Result<void> committed = transaction.commit(); !committed)
        return committed;
    emit statusesChanged();
    return {};
}

} // namespace EasyCrm
