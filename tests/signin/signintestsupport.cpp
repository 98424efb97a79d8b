#include "tests/signin/signintestsupport.h"

#include "core/common/ids.h"
#include "core/db/sqlstatement.h"
#include "tests/support/postgrescrmsignin.h"

#include <QSqlRecord>

namespace EasyCrm::SignInTest {

const QString kSha512Hash = QStringLiteral(
    "AQAAAAIAAYagAAAAEAABAgMEBQYHCAkKCwwNDg9cpqdcI+qij1t1DuVS1tOLH3HOQ7TsgL4A6hQ4D2CSBA==");
const QString kSha256Hash = QStringLiteral(
    "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg8hec15j2VgWmwV1bRzJUNe1BRjovK4leFQbYMnHYpaFw==");

namespace {

QVariantMap rowOf(const QSqlRecord &record)
{
    QVariantMap row;
    for (int i = 0; i < record.count(); ++i)
        row.insert(record.fieldName(i), record.value(i));
    return row;
}

QString offsetTime(const QDateTime &utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + u"+00:00"_qs;
}

} // namespace

void CrmDatabase::close()
{
    m_pgDatabase.reset();
    m_workspace.reset();
    if (m_postgres)
        (void)Testing::dropPostgresCrm(*m_postgres);
    m_postgres.reset();
}

CrmDatabase::~CrmDatabase()
{
    close();
}

Db::Database &CrmDatabase::db()
{
    return m_pgDatabase ? *m_pgDatabase : m_workspace->database();
}

Result<void> CrmDatabase::open(const QString &name, const Clock &clock)
{
    if (!Testing::postgresAvailable()) {
        auto ws = Workspace::openEmbedded(m_dir.filePath(name + u".sqlite"_qs), clock);
        if (!ws)
            return ws.error();
        m_workspace = std::move(ws).value();
        m_tenantName = m_workspace->user().tenantName;
        m_tenantId = *m_workspace->user().tenantId;
        return {};
    }
    auto crm = Testing::createPostgresCrm(name);
    if (!crm)
        return crm.error();
    m_postgres = crm.value();
    auto opened = Db::Database::openPostgres(m_postgres->settings);
    if (!opened)
        return opened.error();
    m_pgDatabase = std::move(opened).value();
    m_tenantName = m_postgres->tenantName;
    m_tenantId = m_postgres->tenantId;
    return {};
}

Workspace *CrmDatabase::workspace(const Clock &clock)
{
    if (m_workspace || !m_postgres)
        return m_workspace.get();
    auto opened = Workspace::openProduction(m_postgres->settings, clock,
                                            Testing::fixtureCredentials(*m_postgres));
    if (!opened) {
        qWarning().noquote() << "workspace:" << opened.error().message << opened.error().detail;
        return nullptr;
    }
    m_workspace = std::move(opened).value();
    return m_workspace.get();
}

Result<QUuid> CrmDatabase::insertTenant(const QString &name)
{
    return Testing::insertAbpTenant(db(), name);
}

Result<QUuid> CrmDatabase::insertUser(const UserSpec &u)
{
    Db::Database &d = db();
    const QUuid id = Ids::newGuid();
    const QString email = u.email.isEmpty() ? u.userName + u"@example.com"_qs : u.email;
    Db::SqlStatement st(d, QStringLiteral("test.user"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpUsers\" (\"Id\", \"TenantId\", \"UserName\", \"NormalizedUserName\", "
        "\"Email\", \"NormalizedEmail\", \"EmailConfirmed\", \"PasswordHash\", \"SecurityStamp\", "
        "\"IsExternal\", \"PhoneNumberConfirmed\", \"IsActive\", \"TwoFactorEnabled\", "
        "\"LockoutEnd\", \"LockoutEnabled\", \"AccessFailedCount\", "
        "\"ShouldChangePasswordOnNextLogin\", \"EntityVersion\", \"ExtraProperties\", "
        "\"ConcurrencyStamp\", \"CreationTime\", \"IsDeleted\") VALUES (:Id, :TenantId, :Name, "
        ":NormalizedName, :Email, :NormalizedEmail, :No, :Hash, :SecurityStamp, :No, :No, "
        ":Active, :No, :LockoutEnd, :LockoutEnabled, :Failed, :No, 0, '{}', :Stamp, :Now, "
        ":Deleted)"));
    st.bind(QStringLiteral(":Id"), d.guid(id));
    st.bind(QStringLiteral(":TenantId"), d.guidOrNull(u.tenantId));
    st.bind(QStringLiteral(":Name"), u.userName);
    st.bind(QStringLiteral(":NormalizedName"), u.userName.toUpper());
    st.bind(QStringLiteral(":Email"), email);
    st.bind(QStringLiteral(":NormalizedEmail"), email.toUpper());
    st.bind(QStringLiteral(":No"), d.boolean(false));
    st.bind(QStringLiteral(":Hash"), u.passwordHash);
    st.bind(QStringLiteral(":SecurityStamp"), Ids::newGuid().toString(QUuid::WithoutBraces));
    st.bind(QStringLiteral(":Active"), d.boolean(u.isActive));
    st.bind(QStringLiteral(":LockoutEnd"), u.lockoutEnd.isValid()
                                               ? QVariant(offsetTime(u.lockoutEnd))
                                               : QVariant(QMetaType::fromType<QString>()));
    st.bind(QStringLiteral(":LockoutEnabled"), d.boolean(u.lockoutEnabled));
    st.bind(QStringLiteral(":Failed"), u.accessFailedCount);
    st.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    st.bind(QStringLiteral(":Now"), d.timestamp(QDateTime::currentDateTimeUtc()));
    st.bind(QStringLiteral(":Deleted"), d.boolean(u.isDeleted));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return id;
}

Result<QUuid> CrmDatabase::insertRole(const std::optional<QUuid> &tenantId, const QString &name)
{
    Db::Database &d = db();
    const QUuid id = Ids::newGuid();
    Db::SqlStatement st(d, QStringLiteral("test.role"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpRoles\" (\"Id\", \"TenantId\", \"Name\", \"NormalizedName\", "
        "\"IsDefault\", \"IsStatic\", \"IsPublic\", \"EntityVersion\", \"CreationTime\", "
        "\"ExtraProperties\", \"ConcurrencyStamp\") VALUES (:Id, :TenantId, :Name, :Normalized, "
        ":No, :No, :No, 0, :Now, '{}', :Stamp)"));
    st.bind(QStringLiteral(":Id"), d.guid(id));
    st.bind(QStringLiteral(":TenantId"), d.guidOrNull(tenantId));
    st.bind(QStringLiteral(":Name"), name);
    st.bind(QStringLiteral(":Normalized"), name.toUpper());
    st.bind(QStringLiteral(":No"), d.boolean(false));
    st.bind(QStringLiteral(":Now"), d.timestamp(QDateTime::currentDateTimeUtc()));
    st.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return id;
}

Result<void> CrmDatabase::addToRole(const std::optional<QUuid> &tenantId, const QUuid &userId,
                                    const QUuid &roleId)
{
    Db::Database &d = db();
    Db::SqlStatement st(d, QStringLiteral("test.user-role"));
    st.prepare(QStringLiteral("INSERT INTO \"AbpUserRoles\" (\"UserId\", \"RoleId\", \"TenantId\") "
                              "VALUES (:UserId, :RoleId, :TenantId)"));
    st.bind(QStringLiteral(":UserId"), d.guid(userId));
    st.bind(QStringLiteral(":RoleId"), d.guid(roleId));
    st.bind(QStringLiteral(":TenantId"), d.guidOrNull(tenantId));
    return st.exec();
}

Result<void> CrmDatabase::grant(const std::optional<QUuid> &tenantId, const QString &permission,
                                const QString &providerName, const QString &providerKey)
{
    return Testing::insertAbpGrant(db(), tenantId, permission, providerName, providerKey);
}

QVariantMap CrmDatabase::userRow(const QUuid &id)
{
    Db::Database &d = db();
    const QString lockoutEnd =
        isPostgres() ? u"CAST(\"LockoutEnd\" AT TIME ZONE 'UTC' AS text)"_qs : u"\"LockoutEnd\""_qs;
    Db::SqlStatement st(d, QStringLiteral("test.user-row"));
    st.prepare(u"SELECT \"AccessFailedCount\", \"ConcurrencyStamp\", \"EntityVersion\", "_qs +
               lockoutEnd + u" AS \"LockoutEndText\" FROM \"AbpUsers\" WHERE \"Id\" = :Id"_qs);
    st.bind(QStringLiteral(":Id"), d.guid(id));
    if (!st.exec() || !st.next())
        return {};
    QVariantMap row = rowOf(st.query().record());
    const QString text = row.value(u"LockoutEndText"_qs).toString();
    // Both drivers' text, read as UTC (the writer always writes +00:00).
    QDateTime end = QDateTime::fromString(text.left(23), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    if (!end.isValid())
        end = QDateTime::fromString(text.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    end.setTimeSpec(Qt::UTC);
    row.insert(u"LockoutEnd"_qs, text.isEmpty() ? QDateTime() : end);
    return row;
}

QList<QVariantMap> CrmDatabase::securityLogRows(const QString &userName)
{
    Db::Database &d = db();
    Db::SqlStatement st(d, QStringLiteral("test.security-logs"));
    st.prepare(QStringLiteral("SELECT * FROM \"AbpSecurityLogs\" WHERE \"UserName\" = :Name "
                              "ORDER BY \"CreationTime\""));
    st.bind(QStringLiteral(":Name"), userName);
    QList<QVariantMap> rows;
    if (!st.exec())
        return rows;
    while (st.next())
        rows << rowOf(st.query().record());
    return rows;
}

} // namespace EasyCrm::SignInTest
