#include "core/db/migrations.h"

#include "core/db/abpschema.h"

namespace EasyCrm::Db {

namespace {

using N = Nullability;

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

QList<ColumnSpec> abpTail()
{
    return Col::extraPropertiesAndStamp() + Col::auditedColumns();
}

TableSpec providerConfigurations()
{
    TableSpec t{s("SocialCrmProviderConfigurations"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::string(s("ProviderKey"), 64, N::NotNull),
                 Col::boolean(s("IsEnabled"), false),
                 Col::string(s("ClientId"), 256),
                 Col::text(s("ProtectedClientSecret")),
                 Col::string(s("EnabledScopes"), 2048),
                 Col::string(s("AuthorizeEndpoint"), 2048),
                 Col::string(s("TokenEndpoint"), 2048),
                 Col::string(s("RevocationEndpoint"), 2048),
                 Col::string(s("ProfileEndpoint"), 2048),
                 Col::string(s("Issuer"), 2048),
                 Col::integer(s("RedirectPort"), N::NotNull, 0)};
    t.columns << abpTail();
    t.indexes = {{s("UX_SocialCrmProviderConfigurations_Tenant_Provider"),
                  {coalescedTenant(), quoted(s("ProviderKey"))},
                  true}};
    t.checks = {s("\"RedirectPort\" BETWEEN 0 AND 65535")};
    return t;
}

TableSpec brandAccounts()
{
    TableSpec t{s("SocialCrmBrandAccounts"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")), Col::guid(s("TenantId"), N::Null),
                 Col::string(s("Name"), 128, N::NotNull)};
    t.columns << abpTail();
    t.indexes = {indexOn(t.name, {s("TenantId")})};
    return t;
}

TableSpec integrationConnections()
{
    TableSpec t{s("SocialCrmIntegrationConnections"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::guid(s("OwnerUserId"), N::Null),
                 Col::guid(s("BrandAccountId"), N::Null),
                 Col::string(s("ProviderKey"), 64, N::NotNull),
                 Col::string(s("ExternalUserId"), 256),
                 Col::string(s("ExternalHandle"), 256),
                 Col::string(s("ExternalDisplayName"), 256),
                 Col::text(s("ProtectedAccessToken")),
                 Col::text(s("ProtectedRefreshToken")),
                 Col::timestamp(s("AccessTokenExpiresAt"), N::Null),
                 Col::timestamp(s("RefreshTokenExpiresAt"), N::Null),
                 Col::string(s("GrantedScopes"), 2048),
                 Col::integer(s("Status"), N::NotNull, 0),
                 Col::string(s("StatusReason"), 512),
                 Col::timestamp(s("LastSyncTime"), N::Null),
                 Col::timestamp(s("LastRefreshTime"), N::Null),
                 Col::string(s("LastRefreshOutcome"), 256),
                 Col::integer(s("RefreshFailureCount"), N::NotNull, 0),
                 Col::timestamp(s("NextRefreshTime"), N::Null),
                 Col::string(s("RefreshLeaseOwner"), 64),
                 Col::timestamp(s("RefreshLeaseUntil"), N::Null)};
    t.columns << abpTail();
    t.foreignKeys = {{s("BrandAccountId"), s("SocialCrmBrandAccounts"), {}}};
    // A connection belongs to exactly one of a user or a brand account.
    t.checks = {s("(\"OwnerUserId\" IS NULL) <> (\"BrandAccountId\" IS NULL)")};
    // NULLs are distinct in unique indexes: the owner and brand rules only bind rows where
    // that column is set, and COALESCE makes host rows (TenantId NULL) collide too.
    t.indexes = {{s("UX_SocialCrmIntegrationConnections_Tenant_Owner_Provider"),
                  {coalescedTenant(), quoted(s("OwnerUserId")), quoted(s("ProviderKey"))},
                  true},
                 {s("UX_SocialCrmIntegrationConnections_Tenant_Brand_Provider"),
                  {coalescedTenant(), quoted(s("BrandAccountId")), quoted(s("ProviderKey"))},
                  true},
                 indexOn(t.name, {s("NextRefreshTime")})};
    return t;
}

TableSpec pendingAuthorizations()
{
    TableSpec t{s("SocialCrmPendingAuthorizations"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::guid(s("UserId")),
                 Col::string(s("ProviderKey"), 64, N::NotNull),
                 Col::guid(s("BrandAccountId"), N::Null),
                 Col::guid(s("ConnectionId"), N::Null),
                 Col::string(s("StateHash"), 64, N::NotNull),
                 Col::text(s("ProtectedCodeVerifier"), N::NotNull),
                 Col::string(s("RedirectUri"), 2048, N::NotNull),
                 Col::string(s("RequestedScopes"), 2048),
                 Col::timestamp(s("ExpiresAt")),
                 Col::timestamp(s("ConsumedTime"), N::Null),
                 Col::timestamp(s("CreationTime"))};
    t.columns << Col::extraPropertiesAndStamp();
    t.foreignKeys = {{s("ConnectionId"), s("SocialCrmIntegrationConnections"), s("CASCADE")}};
    t.indexes = {{s("UX_SocialCrmPendingAuthorizations_StateHash"), {quoted(s("StateHash"))}, true},
                 indexOn(t.name, {s("ExpiresAt")})};
    return t;
}

TableSpec notifications()
{
    TableSpec t{s("SocialCrmNotifications"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::guid(s("UserId")),
                 Col::guid(s("ConnectionId"), N::Null),
                 Col::string(s("Kind"), 64, N::NotNull),
                 Col::string(s("Message"), 1024, N::NotNull),
                 Col::boolean(s("IsRead"), false),
                 Col::timestamp(s("CreationTime"))};
    t.foreignKeys = {{s("ConnectionId"), s("SocialCrmIntegrationConnections"), s("SET NULL")}};
    t.indexes = {indexOn(t.name, {s("TenantId"), s("UserId"), s("IsRead")})};
    return t;
}

TableSpec connectionHistory()
{
    TableSpec t{s("SocialCrmConnectionHistory"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::guid(s("ConnectionId")),
                 Col::integer(s("FromStatus")),
                 Col::integer(s("ToStatus")),
                 Col::string(s("Reason"), 512),
                 Col::string(s("ProviderError"), 256),
                 Col::timestamp(s("CreationTime")),
                 Col::guid(s("CreatorId"), N::Null)};
    t.foreignKeys = {{s("ConnectionId"), s("SocialCrmIntegrationConnections"), s("CASCADE")}};
    t.indexes = {indexOn(t.name, {s("ConnectionId"), s("CreationTime")})};
    return t;
}

// DESIGN §2: one external account is connected to at most one brand account of a tenant,
// enforced by the database so two admins on two machines cannot both add it. Partial, so
// personal connections (one per user) and rows without an identity are not bound by it.
QStringList brandIdentityIndex()
{
    return {QStringLiteral("CREATE UNIQUE INDEX ") + quoted(kBrandIdentityIndex) +
            QStringLiteral(" ON \"SocialCrmIntegrationConnections\" (") + coalescedTenant() +
            QStringLiteral(", \"ProviderKey\", \"ExternalUserId\") WHERE \"BrandAccountId\" "
                           "IS NOT NULL AND \"ExternalUserId\" IS NOT NULL")};
}

QStringList renderAll(const Dialect &dialect, const QList<TableSpec> &tables,
                      Dialect::Existing existing)
{
    QStringList statements;
    for (const TableSpec &table : tables)
        statements << dialect.createTable(table, existing);
    return statements;
}

} // namespace

namespace ModuleSchema {

QList<TableSpec> version1Tables()
{
    return {providerConfigurations(), brandAccounts(), integrationConnections(),
            pendingAuthorizations(),  notifications(), connectionHistory()};
}

} // namespace ModuleSchema

const QList<Migration> &allMigrations()
{
    static const QList<Migration> migrations = {
        {1, QStringLiteral("Social integration module tables"), Migration::Scope::AllDrivers,
         [](const Dialect &d) {
             return renderAll(d, ModuleSchema::version1Tables(), Dialect::Existing::Fail);
         }},
        // A copy of a server's SQLite database already has ABP's tables: keep them.
        {2, QStringLiteral("ABP tables of the embedded CRM database"),
         Migration::Scope::EmbeddedOnly,
         [](const Dialect &d) {
             return renderAll(d, AbpSchema::all(), Dialect::Existing::Keep);
         }},
        {3, QStringLiteral("One brand connection per external identity and tenant"),
         Migration::Scope::AllDrivers, [](const Dialect &) { return brandIdentityIndex(); }},
    };
    return migrations;
}

} // namespace EasyCrm::Db
