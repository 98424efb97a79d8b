#include "core/db/identityreader.h"

#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

const QString kUserColumns =
    QStringLiteral("SELECT \"Id\", \"TenantId\", \"UserName\", \"Name\", \"Surname\", \"Email\", "
                   "\"PasswordHash\", \"IsActive\" FROM \"AbpUsers\" ");

UserRecord readUser(const SqlStatement &st, const Database &db)
{
    UserRecord u;
    u.id = db.readGuid(st.value(QStringLiteral("Id")));
    u.tenantId = Rows::optionalGuid(st, db, "TenantId");
    u.userName = Rows::text(st, "UserName");
    u.name = Rows::text(st, "Name");
    u.surname = Rows::text(st, "Surname");
    u.email = Rows::text(st, "Email");
    u.passwordHash = Rows::text(st, "PasswordHash");
    u.isActive = st.value(QStringLiteral("IsActive")).toBool();
    return u;
}

Result<std::optional<UserRecord>> firstUser(SqlStatement &st, const Database &db)
{
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<UserRecord>();
    return std::optional<UserRecord>(readUser(st, db));
}

} // namespace

Result<std::optional<TenantRecord>> IdentityReader::findTenantWhere(const QString &where,
                                                                    const QVariant &key) const
{
    SqlStatement st(m_db, QStringLiteral("identity.tenant"));
    st.prepare(QStringLiteral("SELECT \"Id\", \"Name\" FROM \"AbpTenants\" WHERE ") + where +
               QStringLiteral(" = :Key AND \"IsDeleted\" = :Deleted"));
    st.bind(QStringLiteral(":Key"), key);
    st.bind(QStringLiteral(":Deleted"), m_db.boolean(false));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<TenantRecord>();
    return std::optional<TenantRecord>(
        TenantRecord{m_db.readGuid(st.value(QStringLiteral("Id"))), Rows::text(st, "Name")});
}

Result<std::optional<TenantRecord>> IdentityReader::findTenantByName(const QString &name) const
{
    // ABP normalizes with ToUpperInvariant.
    return findTenantWhere(QStringLiteral("\"NormalizedName\""), name.toUpper());
}

Result<std::optional<TenantRecord>> IdentityReader::findTenant(const QUuid &id) const
{
    return findTenantWhere(QStringLiteral("\"Id\""), m_db.guid(id));
}

Result<QList<TenantRecord>> IdentityReader::tenants() const
{
    SqlStatement st(m_db, QStringLiteral("identity.tenants"));
    st.prepare(QStringLiteral("SELECT \"Id\", \"Name\" FROM \"AbpTenants\" WHERE \"IsDeleted\" = "
                              ":Deleted ORDER BY \"NormalizedName\""));
    st.bind(QStringLiteral(":Deleted"), m_db.boolean(false));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<TenantRecord> tenants;
    while (st.next())
        tenants << TenantRecord{m_db.readGuid(st.value(QStringLiteral("Id"))),
                                Rows::text(st, "Name")};
    return tenants;
}

Result<std::optional<UserRecord>>
IdentityReader::findUserByName(const std::optional<QUuid> &tenantId, const QString &userName) const
{
    SqlStatement st(m_db, QStringLiteral("identity.user-by-name"));
    st.prepare(kUserColumns + QStringLiteral("WHERE ") + Rows::tenantMatches() +
               QStringLiteral(" AND \"NormalizedUserName\" = :Name AND \"IsDeleted\" = :Deleted"));
    Rows::bindTenantKey(st, m_db, tenantId);
    st.bind(QStringLiteral(":Name"), userName.toUpper());
    st.bind(QStringLiteral(":Deleted"), m_db.boolean(false));
    return firstUser(st, m_db);
}

Result<std::optional<UserRecord>> IdentityReader::findUser(const QUuid &id) const
{
    SqlStatement st(m_db, QStringLiteral("identity.user"));
    st.prepare(kUserColumns + QStringLiteral("WHERE \"Id\" = :Id AND \"IsDeleted\" = :Deleted"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":Deleted"), m_db.boolean(false));
    return firstUser(st, m_db);
}

Result<QStringList> IdentityReader::roleNames(const QUuid &userId) const
{
    SqlStatement st(m_db, QStringLiteral("identity.roles"));
    st.prepare(QStringLiteral("SELECT r.\"Name\" FROM \"AbpRoles\" r JOIN \"AbpUserRoles\" ur "
                              "ON ur.\"RoleId\" = r.\"Id\" WHERE ur.\"UserId\" = :UserId "
                              "ORDER BY r.\"Name\""));
    st.bind(QStringLiteral(":UserId"), m_db.guid(userId));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QStringList names;
    while (st.next())
        names << Rows::text(st, "Name");
    return names;
}

Result<QSet<QString>> IdentityReader::grantedPermissions(const std::optional<QUuid> &tenantId,
                                                         const QUuid &userId) const
{
    // ABP's user provider keys a grant by Guid.ToString() (lowercase with dashes), its role
    // provider by the role's Name; both only within the tenant the grant was made in, and
    // only through roles of that tenant (a host role never grants inside a tenant).
    SqlStatement st(m_db, QStringLiteral("identity.grants"));
    st.prepare(QStringLiteral(
        "SELECT DISTINCT \"Name\" FROM \"AbpPermissionGrants\" WHERE "
        "COALESCE(\"TenantId\", '00000000-0000-0000-0000-000000000000') = :GrantTenant AND "
        "((\"ProviderName\" = 'U' AND LOWER(\"ProviderKey\") = :UserKey) OR "
        "(\"ProviderName\" = 'R' AND \"ProviderKey\" IN (SELECT r.\"Name\" FROM \"AbpRoles\" r "
        "JOIN \"AbpUserRoles\" ur ON ur.\"RoleId\" = r.\"Id\" WHERE ur.\"UserId\" = :UserId AND "
        "COALESCE(r.\"TenantId\", '00000000-0000-0000-0000-000000000000') = :RoleTenant)))"));
    const QVariant tenantKey = m_db.guid(tenantId.value_or(QUuid()));
    st.bind(QStringLiteral(":GrantTenant"), tenantKey);
    st.bind(QStringLiteral(":UserKey"), userId.toString(QUuid::WithoutBraces).toLower());
    st.bind(QStringLiteral(":UserId"), m_db.guid(userId));
    st.bind(QStringLiteral(":RoleTenant"), tenantKey);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QSet<QString> granted;
    while (st.next())
        granted.insert(Rows::text(st, "Name"));
    return granted;
}

} // namespace EasyCrm::Db
