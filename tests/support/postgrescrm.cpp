#include "tests/support/postgrescrm.h"

#include "core/db/sqlstatement.h"
#include "core/service/crmcontract.h"

#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QtEndian>

#include <openssl/evp.h>

namespace EasyCrm::Testing {

namespace {

QString env(const char *name, const char *fallback = "")
{
    const QString value = qEnvironmentVariable(name);
    return value.isEmpty() ? QString::fromLatin1(fallback) : value;
}

Error fixtureError(const QString &detail)
{
    return makeError(ErrorCode::DatabaseError, QStringLiteral("PostgreSQL test fixture"), detail);
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), count / 4);
    return bytes;
}

// PostgreSQL folds nothing inside quotes, but a plain lowercase name is easier to inspect.
QString databaseName(const QString &uniqueName)
{
    QString name = uniqueName.toLower();
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9_]")), QStringLiteral("_"));
    const QString suffix = QString::number(QRandomGenerator::global()->generate(), 16);
    return QStringLiteral("easycrm_") + name.left(40) + u'_' + suffix;
}

// The SQL file's statements: comment lines dropped, split where a line ends with ";".
Result<QStringList> abpStatements()
{
    QFile file(QStringLiteral(EASYCRM_TEST_DATA_DIR "/abp-postgresql.sql"));
    if (!file.open(QIODevice::ReadOnly))
        return fixtureError(u"cannot read "_qs + file.fileName());
    QStringList statements;
    QString current;
    for (const QString &line : QString::fromUtf8(file.readAll()).split(u'\n')) {
        if (line.trimmed().startsWith(u"--"))
            continue;
        current += line + u'\n';
        if (line.trimmed().endsWith(u';')) {
            statements << current.trimmed().chopped(1);
            current.clear();
        }
    }
    return statements;
}

Result<void> loadAbpTables(Db::Database &db)
{
    const Result<QStringList> statements = abpStatements();
    if (!statements)
        return statements.error();
    for (const QString &sql : statements.value()) {
        if (Result<void> r = Db::execRaw(db, sql, QStringLiteral("fixture.abp-tables")); !r)
            return r;
    }
    return {};
}

// .NET's XmlConvert for a DateTimeOffset in UTC: seconds, then "FFFFFFF", then "Z".
QString xmlDate(const QDateTime &dateTime)
{
    const QDateTime utc = dateTime.toUTC();
    QString text = utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    QString fraction = QString::number(utc.time().msec()).rightJustified(3, u'0');
    while (fraction.endsWith(u'0'))
        fraction.chop(1);
    if (!fraction.isEmpty())
        text += u'.' + fraction;
    return text + u'Z';
}

void appendBigEndian(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

// ASP.NET Core Identity v3: 0x01 | PRF (2 = HMACSHA512) | iterations | salt length | salt |
// 32-byte PBKDF2 subkey, all integers big-endian, base64.
Result<QString> identityV3Hash(const QByteArray &password)
{
    constexpr quint32 kIterations = 100000;
    const QByteArray salt = randomBytes(16);
    QByteArray subkey(32, Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()),
                          reinterpret_cast<const unsigned char *>(salt.constData()),
                          int(salt.size()), int(kIterations), EVP_sha512(), int(subkey.size()),
                          reinterpret_cast<unsigned char *>(subkey.data())) != 1)
        return fixtureError(QStringLiteral("PBKDF2 failed"));
    QByteArray hash(1, '\x01');
    appendBigEndian(hash, 2);
    appendBigEndian(hash, kIterations);
    appendBigEndian(hash, quint32(salt.size()));
    hash += salt + subkey;
    return QString::fromLatin1(hash.toBase64());
}

QString stamp()
{
    return QUuid::createUuid().toString(QUuid::Id128);
}

// Two keys as a server that has run for a while holds them: the older one still valid, the
// newer one (created ahead of its activation, as the key manager does) the default.
Result<QList<QUuid>> seedKeyRing(Db::Database &db)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ServerKey older = newServerKey(now.addDays(-80));
    ServerKey newer = newServerKey(now.addDays(-1));
    newer.creation = now.addDays(-3);
    for (const ServerKey &key : {older, newer}) {
        if (Result<void> r = storeKeyRingRow(db, keyFriendlyName(key.id), serverKeyXml(key)); !r)
            return r.error();
    }
    return QList<QUuid>{older.id, newer.id};
}

Result<void> seedSignInUsers(Db::Database &db, PostgresCrm &crm)
{
    SignInUsers &users = crm.signInUsers;
    const Result<QUuid> host = insertAbpUser(db, {std::nullopt, users.hostAdmin});
    if (!host)
        return host.error();
    users.hostAdminId = host.value();
    if (const auto role = insertAbpRole(db, std::nullopt, u"admin"_qs, users.hostAdminId,
                                        Contract::kSocialCrmPermissions);
        !role)
        return role.error();
    const Result<QUuid> other = insertAbpTenant(db, users.otherTenant);
    if (!other)
        return other.error();
    users.otherTenantId = other.value();
    if (const auto user = insertAbpUser(db, {users.otherTenantId, users.otherTenantUser}); !user)
        return user.error();
    users.lockoutEnd = QDateTime::currentDateTimeUtc().addSecs(30 * 60);
    AbpUserSpec locked{crm.tenantId, users.lockedOut};
    locked.lockoutEnd = users.lockoutEnd;
    if (const auto user = insertAbpUser(db, locked); !user)
        return user.error();
    if (const auto user = insertAbpUser(db, {crm.tenantId, users.inactive, false}); !user)
        return user.error();
    return {};
}

Result<void> seed(Db::Database &db, PostgresCrm &crm, const PostgresCrmOptions &options)
{
    crm.tenantName = QStringLiteral("Acme");
    crm.userName = QStringLiteral("admin");
    const Result<QUuid> tenant = insertAbpTenant(db, crm.tenantName);
    if (!tenant)
        return tenant.error();
    crm.tenantId = tenant.value();
    const Result<QUuid> user = insertAbpUser(db, {crm.tenantId, crm.userName});
    if (!user)
        return user.error();
    crm.userId = user.value();
    if (const Result<QUuid> role = insertAbpRole(db, crm.tenantId, u"admin"_qs, crm.userId, {});
        !role)
        return role.error();
    if (options.signInUsers) {
        if (Result<void> r = seedSignInUsers(db, crm); !r)
            return r;
    }
    if (!options.dataProtectionKeys)
        return {};
    const Result<QList<QUuid>> keys = seedKeyRing(db);
    if (!keys)
        return keys.error();
    crm.keyIds = keys.value();
    return {};
}

Result<void> fill(PostgresCrm &crm, const PostgresCrmOptions &options)
{
    if (options.contents == PostgresCrmOptions::Contents::Empty)
        return {};
    auto opened = Db::Database::openPostgres(crm.settings);
    if (!opened)
        return opened.error();
    Db::Database &db = *opened.value();
    Db::Transaction tx(db);
    if (Result<void> r = tx.begin(); !r)
        return r;
    if (Result<void> r = loadAbpTables(db); !r)
        return r;
    if (options.contents == PostgresCrmOptions::Contents::Seeded) {
        if (Result<void> r = seed(db, crm, options); !r)
            return r;
    }
    return tx.commit();
}

} // namespace

bool postgresAvailable()
{
    return env("EASYCRM_TEST_DRIVER").compare(u"postgres", Qt::CaseInsensitive) == 0;
}

Db::PostgresSettings postgresServerSettings()
{
    Db::PostgresSettings settings;
    settings.host = env("EASYCRM_TEST_PG_HOST", "127.0.0.1");
    settings.port = env("EASYCRM_TEST_PG_PORT", "5432").toInt();
    settings.database = env("EASYCRM_TEST_PG_DATABASE", "postgres");
    settings.user = env("EASYCRM_TEST_PG_USER", "postgres");
    settings.password = env("EASYCRM_TEST_PG_PASSWORD");
    settings.sslMode = QStringLiteral("disable");
    return settings;
}

Result<PostgresCrm> createPostgresCrm(const QString &uniqueName, const PostgresCrmOptions &options)
{
    PostgresCrm crm;
    crm.settings = postgresServerSettings();
    crm.settings.database = databaseName(uniqueName);
    {
        auto server = Db::Database::openPostgres(postgresServerSettings());
        if (!server)
            return server.error();
        const QString sql = u"CREATE DATABASE \""_qs + crm.settings.database + u"\""_qs;
        if (Result<void> r = Db::execRaw(*server.value(), sql, QStringLiteral("fixture.create"));
            !r)
            return r.error();
    }
    if (Result<void> filled = fill(crm, options); !filled) {
        (void)dropPostgresCrm(crm);
        return filled.error();
    }
    return crm;
}

Result<void> dropPostgresCrm(const PostgresCrm &crm)
{
    auto server = Db::Database::openPostgres(postgresServerSettings());
    if (!server)
        return server.error();
    // FORCE (PostgreSQL 13+): a connection a failed test left open must not keep it alive.
    const QString sql =
        u"DROP DATABASE IF EXISTS \""_qs + crm.settings.database + u"\" WITH (FORCE)"_qs;
    return Db::execRaw(*server.value(), sql, QStringLiteral("fixture.drop"));
}

ServerKey newServerKey(const QDateTime &activation)
{
    return {QUuid::createUuid(), activation, activation, activation.addDays(90), randomBytes(64)};
}

QString serverKeyXml(const ServerKey &key)
{
    return QStringLiteral(
               "<key id=\"%1\" version=\"1\"><creationDate>%2</creationDate>"
               "<activationDate>%3</activationDate><expirationDate>%4</expirationDate>"
               "<descriptor deserializerType=\"Microsoft.AspNetCore.DataProtection."
               "AuthenticatedEncryption.ConfigurationModel."
               "AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore."
               "DataProtection, Version=8.0.0.0, Culture=neutral, "
               "PublicKeyToken=adb9793829ddae60\"><descriptor>"
               "<encryption algorithm=\"AES_256_CBC\" /><validation algorithm=\"HMACSHA256\" />"
               "<masterKey p4:requiresEncryption=\"true\" "
               "xmlns:p4=\"http://schemas.asp.net/2015/03/dataProtection\">"
               "<!-- Warning: the key below is in an unencrypted form. -->"
               "<value>%5</value></masterKey></descriptor></descriptor></key>")
        .arg(key.id.toString(QUuid::WithoutBraces), xmlDate(key.creation), xmlDate(key.activation),
             xmlDate(key.expiration), QString::fromLatin1(key.masterKey.toBase64()));
}

QString serverRevocationXml(const std::optional<QUuid> &keyId, const QDateTime &revocationDate)
{
    // RevokeAllKeys adds the comment; RevokeKey does not.
    const QString comment =
        keyId ? QString()
              : QStringLiteral("<!-- All keys created before the revocation date are revoked. -->");
    const QString id = keyId ? keyId->toString(QUuid::WithoutBraces) : QStringLiteral("*");
    return QStringLiteral("<revocation version=\"1\"><revocationDate>%1</revocationDate>%2"
                          "<key id=\"%3\" /><reason>Revoked by the administrator.</reason>"
                          "</revocation>")
        .arg(xmlDate(revocationDate), comment, id);
}

QString keyFriendlyName(const QUuid &keyId)
{
    return u"key-"_qs + keyId.toString(QUuid::WithoutBraces);
}

QString revocationFriendlyName(const std::optional<QUuid> &keyId, const QDateTime &revocationDate)
{
    if (keyId)
        return u"revocation-"_qs + keyId->toString(QUuid::WithoutBraces);
    // DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyyMMddTHHmmssFFFFFFFZ").
    QString date = xmlDate(revocationDate);
    date.remove(u'-').remove(u':').remove(u'.');
    return u"revocation-"_qs + date;
}

Result<void> storeKeyRingRow(Db::Database &db, const QString &friendlyName, const QString &xml)
{
    Db::SqlStatement st(db, QStringLiteral("fixture.key-ring-row"));
    st.prepare(QStringLiteral("INSERT INTO \"DataProtectionKeys\" (\"FriendlyName\", \"Xml\") "
                              "VALUES (:FriendlyName, :Xml)"));
    st.bind(QStringLiteral(":FriendlyName"), friendlyName);
    st.bind(QStringLiteral(":Xml"), xml);
    return st.exec();
}

Result<QUuid> insertAbpTenant(Db::Database &db, const QString &name)
{
    const QUuid id = QUuid::createUuid();
    Db::SqlStatement st(db, QStringLiteral("fixture.tenant"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpTenants\" (\"Id\", \"Name\", \"NormalizedName\", \"EntityVersion\", "
        "\"ExtraProperties\", \"ConcurrencyStamp\", \"CreationTime\", \"IsDeleted\") "
        "VALUES (:Id, :Name, :NormalizedName, 0, '{}', :Stamp, :Now, :No)"));
    st.bind(QStringLiteral(":Id"), db.guid(id));
    st.bind(QStringLiteral(":Name"), name);
    st.bind(QStringLiteral(":NormalizedName"), name.toUpper());
    st.bind(QStringLiteral(":Stamp"), stamp());
    st.bind(QStringLiteral(":Now"), db.timestamp(QDateTime::currentDateTimeUtc()));
    st.bind(QStringLiteral(":No"), db.boolean(false));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return id;
}

Result<QUuid> insertAbpUser(Db::Database &db, const AbpUserSpec &user)
{
    const QUuid id = QUuid::createUuid();
    const QString email = user.userName + u"@example.com"_qs;
    const Result<QString> passwordHash = identityV3Hash(kPostgresCrmPassword);
    if (!passwordHash)
        return passwordHash.error();
    Db::SqlStatement st(db, QStringLiteral("fixture.user"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpUsers\" (\"Id\", \"TenantId\", \"UserName\", \"NormalizedUserName\", "
        "\"Name\", \"Surname\", \"Email\", \"NormalizedEmail\", \"PasswordHash\", "
        "\"SecurityStamp\", \"IsActive\", \"ShouldChangePasswordOnNextLogin\", "
        "\"LockoutEnabled\", \"LockoutEnd\", \"EntityVersion\", \"ExtraProperties\", "
        "\"ConcurrencyStamp\", \"CreationTime\", \"IsDeleted\") VALUES (:Id, :TenantId, "
        ":UserName, :NormalizedUserName, 'Ada', 'Admin', :Email, :NormalizedEmail, "
        ":PasswordHash, :SecurityStamp, :IsActive, :No, :LockoutEnabled, :LockoutEnd, 0, '{}', "
        ":Stamp, :Now, :IsDeleted)"));
    st.bind(QStringLiteral(":Id"), db.guid(id));
    st.bind(QStringLiteral(":TenantId"), db.guidOrNull(user.tenantId));
    st.bind(QStringLiteral(":UserName"), user.userName);
    st.bind(QStringLiteral(":NormalizedUserName"), user.userName.toUpper());
    st.bind(QStringLiteral(":Email"), email);
    st.bind(QStringLiteral(":NormalizedEmail"), email.toUpper());
    st.bind(QStringLiteral(":PasswordHash"), passwordHash.value());
    st.bind(QStringLiteral(":SecurityStamp"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    st.bind(QStringLiteral(":IsActive"), db.boolean(user.isActive));
    st.bind(QStringLiteral(":No"), db.boolean(false));
    st.bind(QStringLiteral(":Stamp"), stamp());
    st.bind(QStringLiteral(":Now"), db.timestamp(QDateTime::currentDateTimeUtc()));
    st.bind(QStringLiteral(":IsDeleted"), db.boolean(user.isDeleted));
    st.bind(QStringLiteral(":LockoutEnabled"), db.boolean(user.lockoutEnabled));
    // A DateTimeOffset as EF Core writes it: UTC with its offset, on both drivers.
    st.bind(QStringLiteral(":LockoutEnd"),
            user.lockoutEnd.isValid()
                ? QVariant(user.lockoutEnd.toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_qs) +
                           u"+00:00"_qs)
                : QVariant(QMetaType::fromType<QString>()));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return id;
}

Result<QUuid> insertAbpRole(Db::Database &db, const std::optional<QUuid> &tenantId,
                            const QString &name, const QUuid &userId,
                            const QStringList &permissions)
{
    const QUuid roleId = QUuid::createUuid();
    Db::SqlStatement role(db, QStringLiteral("fixture.role"));
    role.prepare(QStringLiteral(
        "INSERT INTO \"AbpRoles\" (\"Id\", \"TenantId\", \"Name\", \"NormalizedName\", "
        "\"IsDefault\", \"IsStatic\", \"IsPublic\", \"EntityVersion\", \"CreationTime\", "
        "\"ExtraProperties\", \"ConcurrencyStamp\") VALUES (:Id, :TenantId, :Name, :Normalized, "
        ":No, :Yes, :Yes, 0, :Now, '{}', :Stamp)"));
    role.bind(QStringLiteral(":Id"), db.guid(roleId));
    role.bind(QStringLiteral(":TenantId"), db.guidOrNull(tenantId));
    role.bind(QStringLiteral(":Name"), name);
    role.bind(QStringLiteral(":Normalized"), name.toUpper());
    role.bind(QStringLiteral(":No"), db.boolean(false));
    role.bind(QStringLiteral(":Yes"), db.boolean(true));
    role.bind(QStringLiteral(":Now"), db.timestamp(QDateTime::currentDateTimeUtc()));
    role.bind(QStringLiteral(":Stamp"), stamp());
    if (Result<void> r = role.exec(); !r)
        return r.error();
    Db::SqlStatement member(db, QStringLiteral("fixture.user-role"));
    member.prepare(QStringLiteral("INSERT INTO \"AbpUserRoles\" (\"UserId\", \"RoleId\", "
                                  "\"TenantId\") VALUES (:UserId, :RoleId, :TenantId)"));
    member.bind(QStringLiteral(":UserId"), db.guid(userId));
    member.bind(QStringLiteral(":RoleId"), db.guid(roleId));
    member.bind(QStringLiteral(":TenantId"), db.guidOrNull(tenantId));
    if (Result<void> r = member.exec(); !r)
        return r.error();
    for (const QString &permission : permissions) {
        if (Result<void> r = insertAbpGrant(db, tenantId, permission, QStringLiteral("R"), name);
            !r)
            return r.error();
    }
    return roleId;
}

Result<void> insertAbpGrant(Db::Database &db, const std::optional<QUuid> &tenantId,
                            const QString &permission, const QString &providerName,
                            const QString &providerKey)
{
    Db::SqlStatement grant(db, QStringLiteral("fixture.grant"));
    grant.prepare(QStringLiteral("INSERT INTO \"AbpPermissionGrants\" (\"Id\", \"TenantId\", "
                                 "\"Name\", \"ProviderName\", \"ProviderKey\") VALUES (:Id, "
                                 ":TenantId, :Name, :ProviderName, :ProviderKey)"));
    grant.bind(QStringLiteral(":Id"), db.guid(QUuid::createUuid()));
    grant.bind(QStringLiteral(":TenantId"), db.guidOrNull(tenantId));
    grant.bind(QStringLiteral(":Name"), permission);
    grant.bind(QStringLiteral(":ProviderName"), providerName);
    grant.bind(QStringLiteral(":ProviderKey"), providerKey);
    return grant.exec();
}

} // namespace EasyCrm::Testing
