#include "core/service/workspace.h"

#include "core/common/ids.h"
#include "core/common/providercatalogue.h"
#include "core/crypto/dataprotector.h"
#include "core/db/database.h"
#include "core/db/embeddedseed.h"
#include "core/db/keyringstore.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/crmcontract.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcService)

namespace EasyCrm {

Workspace::~Workspace() = default;

Result<std::unique_ptr<Workspace>> Workspace::openEmbedded(const QString &path,
                                                           const Clock &clock,
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
    auto seeded = Db::EmbeddedSeed(*workspace->m_database).ensureLocalTenantAndUser(clock.nowUtc());
    if (!seeded)
        return seeded.error();
    workspace->m_user.tenantId = seeded.value().tenantId;
    workspace->m_user.tenantName = seeded.value().tenantName;
    workspace->m_user.userId = seeded.value().adminUserId;
    workspace->m_user.userName = seeded.value().adminUserName;
    if (Result<void> keys = workspace->loadKeyRing(true); !keys)
        return keys.error();
    if (Result<void> providers = workspace->seedProviders(sandbox); !providers)
        return providers.error();
    return workspace;
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
    m_protector = std::make_unique<Crypto::DataProtector>(
        std::move(ring).value(),
        QStringList{m_protection.applicationName, m_protection.purpose}, *m_clock);
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
    const ProviderDescriptor *provider = ProviderCatalogue::builtIn().find(QStringLiteral("sandbox"));
    Db::ProviderConfig config = existing.value().value_or(Db::ProviderConfig{});
    if (!existing.value()) {
        config.id = Ids::newGuid();
        config.tenantId = m_user.tenantId;
        config.providerKey = QStringLiteral("sandbox");
        config.creationTime = m_clock->nowUtc();
        config.enabledScopes = provider->defaultScopes + QStringList{QStringLiteral("mentions.read")};
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
