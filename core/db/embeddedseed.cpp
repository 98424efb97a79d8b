#include "core/db/embeddedseed.h"

#include "core/common/ids.h"
#include "core/db/dblogging.h"
#include "core/db/rowhelpers.h"

#include <QRandomGenerator>
#include <QtEndian>

namespace EasyCrm::Db {

namespace {

const QString kTenantName = QStringLiteral("Local");
const QString kAdminName = QStringLiteral("admin");

// The Id of the first row matching, or a null QUuid.
Result<QUuid> findId(const Database &db, const QString &sql,
                     const QList<std::pair<QString, QVariant>> &bindings)
{
    SqlStatement st(db, QStringLiteral("seed.find"));
    st.prepare(sql);
    for (const auto &[name, value] : bindings)
        st.bind(name, value);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return QUuid();
    return db.readGuid(st.value(QStringLiteral("Id")));
}

void appendBigEndian(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), count / 4);
    return bytes;
}

} // namespace

QString EmbeddedSeed::unusablePasswordHash()
{
    // ASP.NET Core Identity v3 layout: 0x01 | PRF (2 = HMACSHA512) | iterations | salt length
    // | salt | subkey. The subkey is random, not derived, so no password verifies.
    QByteArray hash(1, '\x01');
    appendBigEndian(hash, 2);
    appendBigEndian(hash, 100000);
    appendBigEndian(hash, 16);
    hash += randomBytes(16) + randomBytes(32);
    return QString::fromLatin1(hash.toBase64());
}

Result<EmbeddedSeedResult> EmbeddedSeed::ensureLocalTenantAndUser(const QDateTime &nowUtc,
                                                                  const QStringList &permissions)
{
    if (m_db.driver() != Driver::Sqlite)
        return makeError(ErrorCode::DatabaseError,
                         trDb("The local administrator exists only in the embedded database."),
                         QStringLiteral("seed: refused outside the embedded database"));
    Transaction tx(m_db);
    if (Result<void> r = tx.begin(); !r)
        return r.error();
    EmbeddedSeedResult seeded;
    seeded.tenantName = kTenantName;
    seeded.adminUserName = kAdminName;
    const Result<QUuid> tenant = ensureTenant(nowUtc, seeded.created);
    if (!tenant)
        return tenant.error();
    seeded.tenantId = tenant.value();
    const Result<QUuid> role = ensureRole(seeded.tenantId, nowUtc);
    if (!role)
        return role.error();
    seeded.adminRoleId = role.value();
    const Result<QUuid> user = ensureUser(seeded.tenantId, nowUtc);
    if (!user)
        return user.error();
    seeded.adminUserId = user.value();
    if (Result<void> r = ensureUserRole(seeded.tenantId, seeded.adminUserId, seeded.adminRoleId);
        !r)
        return r.error();
    for (const QString &permission : permissions) {
        if (Result<void> r = ensureGrant(seeded.tenantId, permission); !r)
            return r.error();
    }
    if (Result<void> r = tx.commit(); !r)
        return r.error();
    if (seeded.created)
        qCInfo(lcDb) << "seeded the local tenant and administrator";
    return seeded;
}

Result<QUuid> EmbeddedSeed::ensureTenant(const QDateTime &nowUtc, bool &created)
{
    const Result<QUuid> existing = findId(m_db,
                                          QStringLiteral("SELECT \"Id\" FROM \"AbpTenants\" WHERE "
                                                         "\"NormalizedName\" = :Name"),
                                          {{QStringLiteral(":Name"), kTenantName.toUpper()}});
    if (!existing || !existing.value().isNull())
        return existing;
    const QUuid id = Ids::newGuid();
    SqlStatement st(m_db, QStringLiteral("seed.tenant"));
    st.prepare(QStringLiteral("INSERT INTO \"AbpTenants\" (\"Id\", \"Name\", \"NormalizedName\", "
                              "\"EntityVersion\", \"IsDeleted\", ") +
               Rows::auditedColumnList() +
               QStringLiteral(") VALUES (:Id, :Name, :NormalizedName, 0, :IsDeleted, ") +
               Rows::auditedPlaceholders() + u')');
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":Name"), kTenantName);
    st.bind(QStringLiteral(":NormalizedName"), kTenantName.toUpper());
    st.bind(QStringLiteral(":IsDeleted"), m_db.boolean(false));
    Rows::bindAudited(st, m_db, {{}, Ids::newConcurrencyStamp(), nowUtc, {}, {}, {}});
    if (Result<void> r = st.exec(); !r)
        return r.error();
    created = true;
    return id;
}

Result<QUuid> EmbeddedSeed::ensureRole(const QUuid &tenantId, const QDateTime &nowUtc)
{
    const Result<QUuid> existing =
        findId(m_db,
               QStringLiteral("SELECT \"Id\" FROM \"AbpRoles\" WHERE "
                              "\"TenantId\" = :TenantId AND \"NormalizedName\" = :Name"),
               {{QStringLiteral(":TenantId"), m_db.guid(tenantId)},
                {QStringLiteral(":Name"), kAdminName.toUpper()}});
    if (!existing || !existing.value().isNull())
        return existing;
    const QUuid id = Ids::newGuid();
    SqlStatement st(m_db, QStringLiteral("seed.role"));
    st.prepare(QStringLiteral("INSERT INTO \"AbpRoles\" (\"Id\", \"TenantId\", \"Name\", "
                              "\"NormalizedName\", \"IsDefault\", \"IsStatic\", \"IsPublic\", "
                              "\"EntityVersion\", \"CreationTime\", \"ExtraProperties\", "
                              "\"ConcurrencyStamp\") VALUES (:Id, :TenantId, :Name, "
                              ":NormalizedName, :No, :Yes, :Public, 0, :Now, '{}', :Stamp)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":TenantId"), m_db.guid(tenantId));
    st.bind(QStringLiteral(":Name"), kAdminName);
    st.bind(QStringLiteral(":NormalizedName"), kAdminName.toUpper());
    st.bind(QStringLiteral(":No"), m_db.boolean(false));
    st.bind(QStringLiteral(":Yes"), m_db.boolean(true));
    st.bind(QStringLiteral(":Public"), m_db.boolean(true));
    st.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    st.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return id;
}

Result<QUuid> EmbeddedSeed::ensureUser(const QUuid &tenantId, const QDateTime &nowUtc)
{
    const Result<QUuid> existing =
        findId(m_db,
               QStringLiteral("SELECT \"Id\" FROM \"AbpUsers\" WHERE "
                              "\"TenantId\" = :TenantId AND \"NormalizedUserName\" = :Name"),
               {{QStringLiteral(":TenantId"), m_db.guid(tenantId)},
                {QStringLiteral(":Name"), kAdminName.toUpper()}});
    if (!existing || !existing.value().isNull())
        return existing;
    const QUuid id = Ids::newGuid();
    SqlStatement st(m_db, QStringLiteral("seed.user"));
    st.prepare(
        QStringLiteral(
            "INSERT INTO \"AbpUsers\" (\"Id\", \"TenantId\", \"UserName\", "
            "\"NormalizedUserName\", \"Name\", \"Surname\", \"Email\", \"NormalizedEmail\", "
            "\"EmailConfirmed\", \"PasswordHash\", \"SecurityStamp\", \"IsExternal\", "
            "\"PhoneNumberConfirmed\", \"IsActive\", \"TwoFactorEnabled\", \"LockoutEnabled\", "
            "\"AccessFailedCount\", \"ShouldChangePasswordOnNextLogin\", \"EntityVersion\", "
            "\"IsDeleted\", ") +
        Rows::auditedColumnList() +
        QStringLiteral(") VALUES (:Id, :TenantId, :UserName, :NormalizedUserName, :Name, "
                       ":Surname, :Email, :NormalizedEmail, :No, :PasswordHash, "
                       ":SecurityStamp, :No, :No, :Yes, :No, :Yes, 0, :No, 0, :No, ") +
        Rows::auditedPlaceholders() + u')');
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":TenantId"), m_db.guid(tenantId));
    st.bind(QStringLiteral(":UserName"), kAdminName);
    st.bind(QStringLiteral(":NormalizedUserName"), kAdminName.toUpper());
    st.bind(QStringLiteral(":Name"), QStringLiteral("Local"));
    st.bind(QStringLiteral(":Surname"), QStringLiteral("Administrator"));
    st.bind(QStringLiteral(":Email"), QStringLiteral("admin@localhost"));
    st.bind(QStringLiteral(":NormalizedEmail"), QStringLiteral("ADMIN@LOCALHOST"));
    st.bind(QStringLiteral(":No"), m_db.boolean(false));
    st.bind(QStringLiteral(":Yes"), m_db.boolean(true));
    st.bind(QStringLiteral(":PasswordHash"), unusablePasswordHash());
    // ABP's IdentityUser: SecurityStamp = Guid.NewGuid().ToString().
    st.bind(QStringLiteral(":SecurityStamp"), Ids::newGuid().toString(QUuid::WithoutBraces));
    Rows::bindAudited(st, m_db, {{}, Ids::newConcurrencyStamp(), nowUtc, {}, {}, {}});
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return id;
}

Result<void> EmbeddedSeed::ensureUserRole(const QUuid &tenantId, const QUuid &userId,
                                          const QUuid &roleId)
{
    SqlStatement st(m_db, QStringLiteral("seed.user-role"));
    st.prepare(QStringLiteral("INSERT INTO \"AbpUserRoles\" (\"UserId\", \"RoleId\", \"TenantId\") "
                              "SELECT :UserId, :RoleId, :TenantId WHERE NOT EXISTS (SELECT 1 "
                              "FROM \"AbpUserRoles\" WHERE \"UserId\" = :UserKey "
                              "AND \"RoleId\" = :RoleKey)"));
    st.bind(QStringLiteral(":UserId"), m_db.guid(userId));
    st.bind(QStringLiteral(":RoleId"), m_db.guid(roleId));
    st.bind(QStringLiteral(":TenantId"), m_db.guid(tenantId));
    st.bind(QStringLiteral(":UserKey"), m_db.guid(userId));
    st.bind(QStringLiteral(":RoleKey"), m_db.guid(roleId));
    return st.exec();
}

Result<void> EmbeddedSeed::ensureGrant(const QUuid &tenantId, const QString &permission)
{
    SqlStatement st(m_db, QStringLiteral("seed.grant"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpPermissionGrants\" (\"Id\", \"TenantId\", \"Name\", \"ProviderName\", "
        "\"ProviderKey\") SELECT :Id, :TenantId, :Name, 'R', :Role WHERE NOT EXISTS (SELECT 1 "
        "FROM \"AbpPermissionGrants\" WHERE \"TenantId\" = :TenantKey AND \"Name\" = :NameKey "
        "AND \"ProviderName\" = 'R' AND \"ProviderKey\" = :RoleKey)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(Ids::newGuid()));
    st.bind(QStringLiteral(":TenantId"), m_db.guid(tenantId));
    st.bind(QStringLiteral(":Name"), permission);
    st.bind(QStringLiteral(":Role"), kAdminName);
    st.bind(QStringLiteral(":TenantKey"), m_db.guid(tenantId));
    st.bind(QStringLiteral(":NameKey"), permission);
    st.bind(QStringLiteral(":RoleKey"), kAdminName);
    return st.exec();
}

} // namespace EasyCrm::Db
