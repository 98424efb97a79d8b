#include "core/db/providerconfigrepository.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

QString conflictMessage()
{
    return trDb("The provider settings were changed elsewhere. Reload them.");
}

const QString kSelect = QStringLiteral("SELECT * FROM \"SocialCrmProviderConfigurations\" ");

ProviderConfig readRow(const SqlStatement &st, const Database &db)
{
    ProviderConfig c;
    c.id = db.readGuid(st.value(QStringLiteral("Id")));
    c.tenantId = Rows::optionalGuid(st, db, "TenantId");
    c.providerKey = Rows::text(st, "ProviderKey");
    c.isEnabled = st.value(QStringLiteral("IsEnabled")).toBool();
    c.clientId = Rows::text(st, "ClientId");
    c.protectedClientSecret = Rows::text(st, "ProtectedClientSecret");
    c.enabledScopes = Rows::splitScopes(st.value(QStringLiteral("EnabledScopes")));
    c.authorizeEndpoint = Rows::text(st, "AuthorizeEndpoint");
    c.tokenEndpoint = Rows::text(st, "TokenEndpoint");
    c.revocationEndpoint = Rows::text(st, "RevocationEndpoint");
    c.profileEndpoint = Rows::text(st, "ProfileEndpoint");
    c.issuer = Rows::text(st, "Issuer");
    c.redirectPort = st.value(QStringLiteral("RedirectPort")).toInt();
    static_cast<AuditedFields &>(c) = Rows::readAudited(st, db);
    return c;
}

void bindFields(SqlStatement &st, const Database &db, const ProviderConfig &c)
{
    const Dialect &d = db.dialect();
    st.bind(QStringLiteral(":IsEnabled"), db.boolean(c.isEnabled));
    st.bind(QStringLiteral(":ClientId"), d.textOrNull(c.clientId));
    st.bind(QStringLiteral(":ProtectedClientSecret"), d.textOrNull(c.protectedClientSecret));
    st.bind(QStringLiteral(":EnabledScopes"), d.textOrNull(Rows::joinScopes(c.enabledScopes)));
    st.bind(QStringLiteral(":AuthorizeEndpoint"), d.textOrNull(c.authorizeEndpoint));
    st.bind(QStringLiteral(":TokenEndpoint"), d.textOrNull(c.tokenEndpoint));
    st.bind(QStringLiteral(":RevocationEndpoint"), d.textOrNull(c.revocationEndpoint));
    st.bind(QStringLiteral(":ProfileEndpoint"), d.textOrNull(c.profileEndpoint));
    st.bind(QStringLiteral(":Issuer"), d.textOrNull(c.issuer));
    st.bind(QStringLiteral(":RedirectPort"), c.redirectPort);
}

} // namespace

Result<std::optional<ProviderConfig>>
ProviderConfigRepository::find(const std::optional<QUuid> &tenantId,
                               const QString &providerKey) const
{
    SqlStatement st(m_db, QStringLiteral("provider-config.find"));
    st.prepare(kSelect + QStringLiteral("WHERE ") + Rows::tenantMatches() +
               QStringLiteral(" AND \"ProviderKey\" = :ProviderKey"));
    Rows::bindTenantKey(st, m_db, tenantId);
    st.bind(QStringLiteral(":ProviderKey"), providerKey);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<ProviderConfig>();
    return std::optional<ProviderConfig>(readRow(st, m_db));
}

Result<std::optional<ProviderConfig>>
ProviderConfigRepository::findEffective(const std::optional<QUuid> &tenantId,
                                        const QString &providerKey) const
{
    Result<std::optional<ProviderConfig>> own = find(tenantId, providerKey);
    if (!own || own.value() || !tenantId)
        return own;
    return find(std::nullopt, providerKey);
}

Result<QList<ProviderConfig>>
ProviderConfigRepository::listForTenant(const std::optional<QUuid> &tenantId) const
{
    SqlStatement st(m_db, QStringLiteral("provider-config.list"));
    st.prepare(kSelect + QStringLiteral("WHERE ") + Rows::tenantMatches() +
               QStringLiteral(" ORDER BY \"ProviderKey\""));
    Rows::bindTenantKey(st, m_db, tenantId);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<ProviderConfig> configs;
    while (st.next())
        configs << readRow(st, m_db);
    return configs;
}

Result<void> ProviderConfigRepository::upsert(ProviderConfig &config)
{
    const Result<std::optional<ProviderConfig>> existing =
        find(config.tenantId, config.providerKey);
    if (!existing)
        return existing.error();
    if (!existing.value())
        return insert(config);
    config.id = existing.value()->id;
    return update(config);
}

Result<void> ProviderConfigRepository::insert(ProviderConfig &config)
{
    const QString stage = QStringLiteral("provider-config.insert");
    if (!config.concurrencyStamp.isEmpty())
        return makeError(ErrorCode::ConcurrencyConflict, conflictMessage(),
                         stage + QStringLiteral(": the row read before is gone"));
    if (Result<void> r = Rows::requireTime(config.creationTime, stage); !r)
        return r;
    if (config.id.isNull())
        config.id = Ids::newGuid();
    const QString stamp = Ids::newConcurrencyStamp();
    // A savepoint, so losing the race below leaves the caller's transaction usable.
    SqlStatement st(m_db, stage);
    Transaction savepoint(m_db);
    if (Result<void> r = savepoint.begin(); !r)
        return r;
    st.prepare(QStringLiteral(
                   "INSERT INTO \"SocialCrmProviderConfigurations\" (\"Id\", \"TenantId\", "
                   "\"ProviderKey\", \"IsEnabled\", \"ClientId\", \"ProtectedClientSecret\", "
                   "\"EnabledScopes\", \"AuthorizeEndpoint\", \"TokenEndpoint\", "
                   "\"RevocationEndpoint\", \"ProfileEndpoint\", \"Issuer\", \"RedirectPort\", ") +
               Rows::auditedColumnList() +
               QStringLiteral(") VALUES (:Id, :TenantId, :ProviderKey, :IsEnabled, :ClientId, "
                              ":ProtectedClientSecret, :EnabledScopes, :AuthorizeEndpoint, "
                              ":TokenEndpoint, :RevocationEndpoint, :ProfileEndpoint, :Issuer, "
                              ":RedirectPort, ") +
               Rows::auditedPlaceholders() + u')');
    st.bind(QStringLiteral(":Id"), m_db.guid(config.id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(config.tenantId));
    st.bind(QStringLiteral(":ProviderKey"), config.providerKey);
    bindFields(st, m_db, config);
    AuditedFields audit = config;
    audit.concurrencyStamp = stamp;
    Rows::bindAudited(st, m_db, audit);
    if (Result<void> r = st.exec(); !r) {
        // Another admin inserted the same (tenant, provider) first.
        if (isUniqueViolation(st.lastError()))
            return makeError(ErrorCode::ConcurrencyConflict, conflictMessage(),
                             stage + QStringLiteral(": row appeared meanwhile"));
        return r;
    }
    if (Result<void> r = savepoint.commit(); !r)
        return r;
    config.concurrencyStamp = stamp;
    return {};
}

Result<void> ProviderConfigRepository::update(ProviderConfig &config)
{
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, QStringLiteral("provider-config.update"));
    st.prepare(QStringLiteral(
        "UPDATE \"SocialCrmProviderConfigurations\" SET \"IsEnabled\" = :IsEnabled, "
        "\"ClientId\" = :ClientId, \"ProtectedClientSecret\" = :ProtectedClientSecret, "
        "\"EnabledScopes\" = :EnabledScopes, \"AuthorizeEndpoint\" = :AuthorizeEndpoint, "
        "\"TokenEndpoint\" = :TokenEndpoint, \"RevocationEndpoint\" = :RevocationEndpoint, "
        "\"ProfileEndpoint\" = :ProfileEndpoint, \"Issuer\" = :Issuer, "
        "\"RedirectPort\" = :RedirectPort, \"ExtraProperties\" = :ExtraProperties, "
        "\"ConcurrencyStamp\" = :NewStamp, \"LastModificationTime\" = :LastModificationTime, "
        "\"LastModifierId\" = :LastModifierId "
        "WHERE \"Id\" = :Id AND \"ConcurrencyStamp\" = :ExpectedStamp"));
    bindFields(st, m_db, config);
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText(config.extraProperties));
    st.bind(QStringLiteral(":NewStamp"), stamp);
    st.bind(QStringLiteral(":LastModificationTime"), m_db.timestamp(config.lastModificationTime));
    st.bind(QStringLiteral(":LastModifierId"), m_db.guidOrNull(config.lastModifierId));
    st.bind(QStringLiteral(":Id"), m_db.guid(config.id));
    st.bind(QStringLiteral(":ExpectedStamp"), config.concurrencyStamp);
    if (Result<void> r = st.execOneRow(ErrorCode::ConcurrencyConflict, conflictMessage()); !r)
        return r;
    config.concurrencyStamp = stamp;
    return {};
}

Result<void> ProviderConfigRepository::remove(const QUuid &id, const QString &expectedStamp)
{
    SqlStatement st(m_db, QStringLiteral("provider-config.remove"));
    st.prepare(QStringLiteral("DELETE FROM \"SocialCrmProviderConfigurations\" "
                              "WHERE \"Id\" = :Id AND \"ConcurrencyStamp\" = :ExpectedStamp"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":ExpectedStamp"), expectedStamp);
    return st.execOneRow(ErrorCode::ConcurrencyConflict, conflictMessage());
}

} // namespace EasyCrm::Db
