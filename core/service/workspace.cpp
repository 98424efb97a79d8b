#include "core/service/workspace.h"

#include "core/common/ids.h"
#include "core/common/providercatalogue.h"
#include "core/crypto/dataprotector.h"
#include "core/db/abpschema.h"
#include "core/db/database.h"
#include "core/db/embeddedseed.h"
#include "core/db/identityreader.h"
#include "core/db/keyringstore.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/crmcontract.h"
#include "core/service/tenantscope.h"

#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcService)

namespace EasyCrm {

namespace {

bool mentions(const QString &text, const char *phrase)
{
    return text.contains(QLatin1String(phrase), Qt::CaseInsensitive);
}

// libpq reports every connection failure as text only (QPSQL passes no SQLSTATE for it), so
// the kind is read from libpq's own wording: its client-side messages for a server that does
// not answer, the server's FATAL messages for a refused login.
ErrorCode connectFailureKind(const QString &detail)
{
    // libpq's hint after a refused TCP connection or a missing socket file.
    if (mentions(detail, "is the server running") || mentions(detail, "connection refused") ||
        mentions(detail, "could not translate host") || mentions(detail, "timeout expired") ||
        mentions(detail, "no route to host") || mentions(detail, "network is unreachable") ||
        mentions(detail, "timed out") || mentions(detail, "could not connect to server"))
        return ErrorCode::DatabaseUnreachable;
    if (mentions(detail, "authentication failed") || mentions(detail, "no password supplied") ||
        mentions(detail, "pg_hba.conf") ||
        (mentions(detail, "role \"") && mentions(detail, "does not exist")))
        return ErrorCode::DatabaseCredentialsRejected;
    return ErrorCode::DatabaseOpenFailed;
}

QString serverName(const Db::PostgresSettings &settings)
{
    const QString host = settings.host.isEmpty() ? QStringLiteral("localhost") : settings.host;
    return host.contains(u':') ? QStringLiteral("[%1]:%2").arg(host).arg(settings.port)
                               : QStringLiteral("%1:%2").arg(host).arg(settings.port);
}

// The driver's error, told as what the person can do about it. libpq never quotes the
// password; it is scrubbed all the same, so no server's wording can leak it.
Error explainOpenFailure(Error error, const Db::PostgresSettings &settings)
{
    if (!settings.password.isEmpty())
        error.detail.replace(settings.password, QStringLiteral("********"));
    error.code = connectFailureKind(error.detail);
    switch (error.code) {
    case ErrorCode::DatabaseUnreachable:
        error.message = Workspace::tr("No CRM database server answers at %1. Check the host "
                                      "name and port, and that the server is running.")
                            .arg(serverName(settings));
        break;
    case ErrorCode::DatabaseCredentialsRejected:
        error.message = Workspace::tr("The CRM database server at %1 refused the user %2 or "
                                      "its password.")
                            .arg(serverName(settings), settings.user);
        break;
    default:
        if (mentions(error.detail, "database \"") && mentions(error.detail, "does not exist"))
            error.message = Workspace::tr("The CRM database server at %1 has no database %2.")
                                .arg(serverName(settings), settings.database);
        break;
    }
    return error;
}

// The first missing name decides the message; the detail lists every one, for support.
Error notCrmDatabase(const QString &databaseName, const QStringList &missing, bool noneThere)
{
    const QString first = missing.first();
    QString message;
    if (noneThere)
        message = Workspace::tr("The database %1 is not an EasyCRM database: it has none of "
                                "the CRM server's tables.")
                      .arg(databaseName);
    else if (first.contains(u'.'))
        message = Workspace::tr("The database %1 is not an EasyCRM database: the column %2 is "
                                "missing.")
                      .arg(databaseName, first);
    else
        message = Workspace::tr("The database %1 is not an EasyCRM database: the table %2 is "
                                "missing.")
                      .arg(databaseName, first);
    return makeError(ErrorCode::SchemaMismatch, message, u"missing: "_qs + missing.join(u", "));
}

// Where a sign-in happened, so a SignedIn is only ever used on the database it was made on.
QString databaseKey(const Db::PostgresSettings &settings)
{
    return serverName(settings) + u'/' + settings.database;
}

// The server makes a new key before the default one expires, and its first one when it first
// runs: without a usable key, the server has not run for a long time, or its keys are kept
// in a form this client cannot read.
Error noDefaultKey(const Crypto::KeyRing &ring, const QDateTime &nowUtc)
{
    int revoked = 0, expired = 0, notActive = 0, unreadable = 0;
    for (const Crypto::MasterKey &key : ring.keys()) {
        revoked += key.revoked ? 1 : 0;
        expired += key.expirationDate <= nowUtc ? 1 : 0;
        notActive += key.activationDate > nowUtc ? 1 : 0;
        unreadable += key.isUsable() ? 0 : 1;
    }
    const QString detail =
        QStringLiteral("%1 keys: %2 revoked, %3 expired, %4 not yet active, %5 unreadable")
            .arg(ring.keys().size())
            .arg(revoked)
            .arg(expired)
            .arg(notActive)
            .arg(unreadable);
    qCWarning(lcService).noquote() << "no usable Data Protection key;" << detail;
    return makeError(ErrorCode::NoDefaultKey,
                     Workspace::tr("The CRM database holds no Data Protection key this client can "
                                   "protect tokens with. Start the CRM server so that it creates "
                                   "one, then try again."),
                     detail);
}

} // namespace

Workspace::~Workspace() = default;

Result<std::unique_ptr<Workspace>> Workspace::openEmbedded(const QString &path, const Clock &clock,
                                                           const SandboxRegistration &sandbox,
                                                           const DataProtectionSettings &protection)
{
    std::unique_ptr<Workspace> workspace(new Workspace);
    workspace->m_clock = &clock;
    workspace->m_protection = protection;
    auto database = Db::Database::openSqlite(path);
    if (!database)
        return database.error();
    workspace->m_database = std::move(database).value();
    if (Result<void> migrated = workspace->m_database->migrate(); !migrated)
        return migrated.error();
    // The local admin holds its permissions through grants to its role, as on a CRM server,
    // so they are read the same way as any signed-in user's.
    auto seeded = Db::EmbeddedSeed(*workspace->m_database)
                      .ensureLocalTenantAndUser(clock.nowUtc(), Contract::kSocialCrmPermissions);
    if (!seeded)
        return seeded.error();
    workspace->m_user.tenantId = seeded.value().tenantId;
    workspace->m_user.tenantName = seeded.value().tenantName;
    workspace->m_user.userId = seeded.value().adminUserId;
    workspace->m_user.userName = seeded.value().adminUserName;
    auto granted = Db::IdentityReader(*workspace->m_database)
                       .grantedPermissions(workspace->m_user.tenantId, workspace->m_user.userId);
    if (!granted)
        return granted.error();
    workspace->m_user.permissions = granted.value();
    if (Result<void> keys = workspace->loadKeyRing(true); !keys)
        return keys.error();
    if (Result<void> providers = workspace->seedProviders(sandbox); !providers)
        return providers.error();
    return workspace;
}

// Steps 1 to 3: everything is read and checked before the first write, so a database this
// client refuses is left exactly as it was.
Result<std::unique_ptr<Workspace>> Workspace::openChecked(const Db::PostgresSettings &settings,
                                                          const Clock &clock,
                                                          const DataProtectionSettings &protection)
{
    std::unique_ptr<Workspace> workspace(new Workspace);
    workspace->m_clock = &clock;
    workspace->m_protection = protection;
    auto database = Db::Database::openPostgres(settings);
    if (!database)
        return explainOpenFailure(database.error(), settings);
    workspace->m_database = std::move(database).value();
    if (Result<void> r = workspace->checkSchemaContract(settings.database); !r)
        return r.error();
    if (Result<void> r = workspace->loadKeyRing(false); !r)
        return r.error();
    return workspace;
}

// Step 5: only the module's tables; the migrations serialise concurrent clients (advisory
// lock).
Result<std::unique_ptr<Workspace>> Workspace::finishProduction(std::unique_ptr<Workspace> workspace)
{
    if (Result<void> r = workspace->m_database->migrate(); !r)
        return r.error();
    qCInfo(lcService) << "opened the production CRM database";
    return workspace;
}

Result<std::unique_ptr<Workspace>>
Workspace::openProduction(const Db::PostgresSettings &settings, const Clock &clock,
                          const CrmCredentials &credentials,
                          const DataProtectionSettings &protection)
{
    auto opened = openChecked(settings, clock, protection);
    if (!opened)
        return opened.error();
    std::unique_ptr<Workspace> workspace = std::move(opened).value();
    auto user = SignIn::signIn(*workspace->m_database, credentials, clock);
    if (!user)
        return user.error();
    workspace->m_user = user.value();
    workspace->m_signedIn = SignedIn(user.value(), databaseKey(settings));
    return finishProduction(std::move(workspace));
}

Result<std::unique_ptr<Workspace>>
Workspace::reopenProduction(const Db::PostgresSettings &settings, const Clock &clock,
                            const SignedIn &signedIn, const DataProtectionSettings &protection)
{
    if (signedIn.m_database != databaseKey(settings))
        return makeError(ErrorCode::DatabaseOpenFailed,
                         tr("Sign in to %1 before opening it.").arg(databaseKey(settings)),
                         QStringLiteral("the sign-in was made on another database"));
    auto opened = openChecked(settings, clock, protection);
    if (!opened)
        return opened.error();
    std::unique_ptr<Workspace> workspace = std::move(opened).value();
    workspace->m_user = signedIn.user();
    workspace->m_signedIn = signedIn;
    return finishProduction(std::move(workspace));
}

Result<std::unique_ptr<Workspace>>
Workspace::openUnattended(const Db::PostgresSettings &settings, const Clock &clock,
                          const DataProtectionSettings &protection)
{
    auto opened = openChecked(settings, clock, protection);
    if (!opened)
        return opened.error();
    return finishProduction(std::move(opened).value());
}

Result<void> Workspace::actOn(const std::optional<QUuid> &tenantId)
{
    auto acting = TenantScope::actingOn(*m_database, m_user, tenantId);
    if (!acting)
        return acting.error();
    m_user = acting.value();
    return {};
}

Result<void> Workspace::checkSchemaContract(const QString &databaseName) const
{
    const QList<Db::TableSpec> tables = Db::AbpSchema::all();
    const QStringList missing = m_database->missingColumns(tables);
    if (missing.isEmpty())
        return {};
    const auto wholeTables = std::count_if(
        missing.cbegin(), missing.cend(), [](const QString &name) { return !name.contains(u'.'); });
    qCWarning(lcService).noquote() << "schema contract not met; first missing:" << missing.first();
    return notCrmDatabase(databaseName, missing, wholeTables == tables.size());
}

// Only the embedded default makes its own first key; a server's key ring is read-only.
Result<void> Workspace::loadKeyRing(bool mayCreateKey)
{
    Db::KeyRingStore store(*m_database);
    auto elements = store.xmlElements();
    if (!elements)
        return elements.error();
    auto ring = Crypto::KeyRing::fromXmlElements(elements.value());
    if (!ring)
        return ring.error();
    if (!ring.value().defaultKey(m_clock->nowUtc()) && mayCreateKey) {
        const QUuid id = Ids::newGuid();
        auto xml = Crypto::KeyRing::newKeyXml(id, m_clock->nowUtc());
        if (!xml)
            return xml.error();
        const QString name = QStringLiteral("key-") + id.toString(QUuid::WithoutBraces);
        if (Result<void> added = store.addKey(name, xml.value()); !added)
            return added.error();
        return loadKeyRing(false);
    }
    if (!ring.value().defaultKey(m_clock->nowUtc()))
        return noDefaultKey(ring.value(), m_clock->nowUtc());
    m_protector = std::make_unique<Crypto::DataProtector>(
        std::move(ring).value(), QStringList{m_protection.applicationName, m_protection.purpose},
        *m_clock);
    return {};
}

Result<void> Workspace::seedProviders(const SandboxRegistration &sandbox)
{
    Db::ProviderConfigRepository configs(*m_database);
    for (const ProviderDescriptor &provider : ProviderCatalogue::builtIn().providers()) {
        auto existing = configs.find(m_user.tenantId, provider.key);
        if (!existing)
            return existing.error();
        if (existing.value())
            continue;
        if (provider.key == u"sandbox") {
            if (Result<void> configured = configureSandbox(sandbox); !configured)
                return configured;
            continue;
        }
        // Present but not configured: the admin enables it with a client id.
        Db::ProviderConfig config;
        config.id = Ids::newGuid();
        config.tenantId = m_user.tenantId;
        config.providerKey = provider.key;
        config.isEnabled = false;
        config.enabledScopes = provider.defaultScopes;
        config.creationTime = m_clock->nowUtc();
        if (Result<void> stored = configs.upsert(config); !stored)
            return stored;
    }
    return {};
}

Result<void> Workspace::configureSandbox(const SandboxRegistration &sandbox)
{
    Db::ProviderConfigRepository configs(*m_database);
    auto existing = configs.find(m_user.tenantId, QStringLiteral("sandbox"));
    if (!existing)
        return existing.error();
    const ProviderDescriptor *provider =
        ProviderCatalogue::builtIn().find(QStringLiteral("sandbox"));
    Db::ProviderConfig config = existing.value().value_or(Db::ProviderConfig{});
    if (!existing.value()) {
        config.id = Ids::newGuid();
        config.tenantId = m_user.tenantId;
        config.providerKey = QStringLiteral("sandbox");
        config.creationTime = m_clock->nowUtc();
        config.enabledScopes =
            provider->defaultScopes + QStringList{QStringLiteral("mentions.read")};
    }
    auto secret = m_protector->protect(sandbox.clientSecret);
    if (!secret)
        return secret.error();
    const QString issuer = sandbox.issuer.toString(QUrl::FullyEncoded);
    config.isEnabled = true;
    config.clientId = sandbox.clientId;
    config.protectedClientSecret = secret.value();
    config.issuer = issuer;
    const auto endpoint = [&sandbox](const QString &path) {
        QUrl url = sandbox.issuer;
        url.setPath(url.path() + path);
        return url.toString(QUrl::FullyEncoded);
    };
    config.authorizeEndpoint = endpoint(QStringLiteral("/auth"));
    config.tokenEndpoint = endpoint(QStringLiteral("/token"));
    config.revocationEndpoint = endpoint(QStringLiteral("/token/revocation"));
    config.profileEndpoint = endpoint(QStringLiteral("/me"));
    config.lastModificationTime = m_clock->nowUtc();
    return configs.upsert(config);
}

} // namespace EasyCrm
