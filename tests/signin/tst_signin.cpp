// Signing a CRM user in against the CRM database: tenant and user lookup, ASP.NET Core
// Identity's refusal order and lockout (ABP defaults: 5 failures, 5 minutes), and the
// AbpSecurityLogs rows with ABP's action names. Runs on SQLite, and on PostgreSQL under
// tests/db/with-postgres.sh.

#include "core/crypto/passwordhasher.h"
#include "core/db/identityreader.h"
#include "core/service/crmcontract.h"
#include "core/service/signin.h"
#include "tests/signin/signintestsupport.h"
#include "tests/support/logcapture.h"

#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::SignInTest;

namespace {

const QDateTime kStart(QDate(2024, 5, 6), QTime(7, 8, 9), Qt::UTC);

enum class Where { Tenant, OtherTenant, Host };

} // namespace

Q_DECLARE_METATYPE(Where)
Q_DECLARE_METATYPE(EasyCrm::SignInTest::UserSpec)

class TestSignIn final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void signsInWithV3Hashes_data();
    void signsInWithV3Hashes();
    void signsInWithEmailAddress();
    void signsInAsHostUser();
    void signsInTheServersOwnUser();
    void refuses_data();
    void refuses();
    void refusesUnknownTenantWithoutLogRow();
    void locksOutAfterFiveFailures();
    void successResetsFailureCount();
    void neverLogsOrStoresThePassword();
    void readsPermissions_data();
    void readsPermissions();
    void signInCarriesPermissions();
    void localAdminHoldsEverySocialCrmPermission();

private:
    // A user named after the running test row, so every row has its own log rows.
    QString uniqueName(const QString &prefix = u"user"_qs) const;
    [[nodiscard]] Result<SessionUser> signIn(const QString &tenant, const QString &user,
                                             const QString &password);

    ManualClock m_clock{kStart};
    CrmDatabase m_crm;
    QUuid m_otherTenantId;
    std::unique_ptr<Testing::LogCapture> m_logs;
};

void TestSignIn::initTestCase()
{
    m_logs = std::make_unique<Testing::LogCapture>();
    const Result<void> opened = m_crm.open(u"signin"_qs, m_clock);
    QVERIFY2(opened.ok(), qPrintable(opened.error().detail));
    const Result<QUuid> other = m_crm.insertTenant(u"Acme"_qs);
    QVERIFY2(other.ok(), qPrintable(other.error().detail));
    m_otherTenantId = other.value();
}

void TestSignIn::cleanupTestCase()
{
    m_crm.close();
}

QString TestSignIn::uniqueName(const QString &prefix) const
{
    QString tag = QString::fromLatin1(QTest::currentDataTag() ? QTest::currentDataTag() : "");
    tag.replace(u'-', u'.');
    return prefix + u'.' + QString::fromLatin1(QTest::currentTestFunction()) +
           (tag.isEmpty() ? QString() : u'.' + tag);
}

Result<SessionUser> TestSignIn::signIn(const QString &tenant, const QString &user,
                                       const QString &password)
{
    return SignIn::signIn(m_crm.db(), tenant, user, password, m_clock);
}

void TestSignIn::signsInWithV3Hashes_data()
{
    QTest::addColumn<QString>("hash");

    QTest::newRow("hmacsha512-100000") << kSha512Hash;
    QTest::newRow("hmacsha256-10000") << kSha256Hash;
}

void TestSignIn::signsInWithV3Hashes()
{
    QFETCH(QString, hash);
    const QString name = uniqueName();
    const auto id = m_crm.insertUser({m_crm.tenantId(), name, hash});
    QVERIFY(id.ok());

    // 1. Signed in, in the tenant named (any case, as ABP normalizes).
    const Result<SessionUser> user =
        signIn(m_crm.tenantName().toLower(), name.toUpper(), kPassword);
    QVERIFY2(user.ok(), qPrintable(user.error().message));
    QCOMPARE(user.value().userId, id.value());
    QCOMPARE(user.value().userName, name);
    QCOMPARE(user.value().tenantId, std::optional(m_crm.tenantId()));
    QCOMPARE(user.value().tenantName, m_crm.tenantName());

    // 2. One security-log row, as ABP's login writes it.
    const QList<QVariantMap> rows = m_crm.securityLogRows(name);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0][u"Identity"_qs].toString(), u"Identity"_qs);
    QCOMPARE(rows[0][u"Action"_qs].toString(), u"LoginSucceeded"_qs);
    QCOMPARE(rows[0][u"TenantName"_qs].toString(), m_crm.tenantName());
    QCOMPARE(m_crm.db().readGuid(rows[0][u"TenantId"_qs]), m_crm.tenantId());
    QCOMPARE(m_crm.db().readGuid(rows[0][u"UserId"_qs]), id.value());
    QCOMPARE(m_crm.db().readTimestamp(rows[0][u"CreationTime"_qs]), kStart);

    // 3. Nothing to reset: the user's row is left as it was.
    QCOMPARE(m_crm.userRow(id.value())[u"EntityVersion"_qs].toInt(), 0);
}

void TestSignIn::signsInWithEmailAddress()
{
    const QString name = uniqueName();
    const auto id =
        m_crm.insertUser({m_crm.tenantId(), name, kSha512Hash, u"Mail.User@Example.COM"_qs});
    QVERIFY(id.ok());

    const Result<SessionUser> user =
        signIn(m_crm.tenantName(), u" mail.user@example.com "_qs, kPassword);
    QVERIFY2(user.ok(), qPrintable(user.error().message));
    QCOMPARE(user.value().userId, id.value());
    // ABP logs the user name the e-mail address was replaced with.
    const QList<QVariantMap> rows = m_crm.securityLogRows(name);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0][u"Action"_qs].toString(), u"LoginSucceeded"_qs);
}

void TestSignIn::signsInAsHostUser()
{
    const QString name = uniqueName();
    const auto id = m_crm.insertUser({std::nullopt, name, kSha512Hash});
    QVERIFY(id.ok());

    const Result<SessionUser> user = signIn(QString(), name, kPassword);
    QVERIFY2(user.ok(), qPrintable(user.error().message));
    QVERIFY(!user.value().tenantId);
    QVERIFY(user.value().tenantName.isEmpty());
    const QList<QVariantMap> rows = m_crm.securityLogRows(name);
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows[0][u"TenantId"_qs].isNull());
    QVERIFY(rows[0][u"TenantName"_qs].isNull());
    // The same name is no user of the tenant.
    QCOMPARE(signIn(m_crm.tenantName(), name, kPassword).error().code,
             ErrorCode::InvalidCredentials);
}

void TestSignIn::signsInTheServersOwnUser()
{
    if (!m_crm.isPostgres())
        QSKIP("the CRM server's own user exists in the PostgreSQL fixture only");
    const Result<SessionUser> user = signIn(m_crm.tenantName(), m_crm.fixtureUserName(),
                                            QString::fromLatin1(Testing::kPostgresCrmPassword));
    QVERIFY2(user.ok(), qPrintable(user.error().message));
    QCOMPARE(user.value().userName, m_crm.fixtureUserName());
}

void TestSignIn::refuses_data()
{
    QTest::addColumn<UserSpec>("spec");
    QTest::addColumn<Where>("storedIn");
    QTest::addColumn<QString>("typedUser"); // empty: the user's own name
    QTest::addColumn<QString>("password");
    QTest::addColumn<ErrorCode>("expected");
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("failedCount");

    const QString right = kPassword;
    const QDateTime later = kStart.addSecs(120);
    const QDateTime earlier = kStart.addSecs(-1);
    UserSpec plain{{}, {}, kSha512Hash};
    UserSpec inactive = plain;
    inactive.isActive = false;
    UserSpec locked = plain;
    locked.lockoutEnd = later;
    UserSpec lockExpired = plain;
    lockExpired.lockoutEnd = earlier;
    UserSpec lockDisabled = locked;
    lockDisabled.lockoutEnabled = false;
    UserSpec deleted = plain;
    deleted.isDeleted = true;
    UserSpec v2 = plain;
    v2.passwordHash = QString::fromLatin1(QByteArray(49, '\0').toBase64());

    const auto ok = ErrorCode::None;
    QTest::newRow("wrong-password") << plain << Where::Tenant << QString() << u"1q2w3E"_qs
                                    << ErrorCode::InvalidCredentials << u"LoginFailed"_qs << 1;
    QTest::newRow("password-in-wrong-case")
        << plain << Where::Tenant << QString() << u"1Q2W3e*"_qs << ErrorCode::InvalidCredentials
        << u"LoginFailed"_qs << 1;
    QTest::newRow("unknown-user") << plain << Where::Tenant << u"nobody.at.all"_qs << right
                                  << ErrorCode::InvalidCredentials << u"LoginInvalidUserName"_qs
                                  << 0;
    QTest::newRow("another-tenants-user")
        << plain << Where::OtherTenant << QString() << right << ErrorCode::InvalidCredentials
        << u"LoginInvalidUserName"_qs << 0;
    QTest::newRow("host-user-on-tenant")
        << plain << Where::Host << QString() << right << ErrorCode::InvalidCredentials
        << u"LoginInvalidUserName"_qs << 0;
    QTest::newRow("inactive-right-password")
        << inactive << Where::Tenant << QString() << right << ErrorCode::UserInactive
        << u"LoginNotAllowed"_qs << 0;
    QTest::newRow("inactive-wrong-password-not-counted")
        << inactive << Where::Tenant << QString() << u"x"_qs << ErrorCode::UserInactive
        << u"LoginNotAllowed"_qs << 0;
    QTest::newRow("locked-out-right-password")
        << locked << Where::Tenant << QString() << right << ErrorCode::UserLockedOut
        << u"LoginLockedout"_qs << 0;
    QTest::newRow("lockout-ended")
        << lockExpired << Where::Tenant << QString() << right << ok << u"LoginSucceeded"_qs << 0;
    QTest::newRow("lockout-end-but-lockout-disabled")
        << lockDisabled << Where::Tenant << QString() << right << ok << u"LoginSucceeded"_qs << 0;
    QTest::newRow("deleted-right-password")
        << deleted << Where::Tenant << QString() << right << ErrorCode::UserDeleted
        << u"LoginInvalidUserName"_qs << 0;
    QTest::newRow("deleted-wrong-password")
        << deleted << Where::Tenant << QString() << u"x"_qs << ErrorCode::InvalidCredentials
        << u"LoginInvalidUserName"_qs << 0;
    QTest::newRow("identity-v2-hash")
        << v2 << Where::Tenant << QString() << right << ErrorCode::PasswordHashUnsupported
        << u"LoginFailed"_qs << 0;
}

void TestSignIn::refuses()
{
    QFETCH(UserSpec, spec);
    QFETCH(Where, storedIn);
    QFETCH(QString, typedUser);
    QFETCH(QString, password);
    QFETCH(ErrorCode, expected);
    QFETCH(QString, action);
    QFETCH(int, failedCount);

    spec.userName = uniqueName();
    spec.tenantId = storedIn == Where::Tenant        ? std::optional(m_crm.tenantId())
                    : storedIn == Where::OtherTenant ? std::optional(m_otherTenantId)
                                                     : std::nullopt;
    const auto id = m_crm.insertUser(spec);
    QVERIFY2(id.ok(), qPrintable(id.error().detail));
    const QString typed = typedUser.isEmpty() ? spec.userName : typedUser;

    const Result<SessionUser> user = signIn(m_crm.tenantName(), typed, password);
    QCOMPARE(user.ok() ? ErrorCode::None : user.error().code, expected);
    if (!user.ok()) {
        QVERIFY(!user.error().message.isEmpty());
        QVERIFY(!user.error().message.contains(password));
    }

    // The log row names the typed name when no user of this tenant answers to it.
    const bool known = action != u"LoginInvalidUserName";
    const QList<QVariantMap> rows = m_crm.securityLogRows(known ? spec.userName : typed);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0][u"Identity"_qs].toString(), u"Identity"_qs);
    QCOMPARE(rows[0][u"Action"_qs].toString(), action);
    QCOMPARE(rows[0][u"TenantName"_qs].toString(), m_crm.tenantName());
    QCOMPARE(m_crm.db().readGuidOrNull(rows[0][u"UserId"_qs]),
             known ? std::optional(id.value()) : std::nullopt);
    QCOMPARE(m_crm.userRow(id.value())[u"AccessFailedCount"_qs].toInt(), failedCount);
}

void TestSignIn::refusesUnknownTenantWithoutLogRow()
{
    const QString name = uniqueName();
    QVERIFY(m_crm.insertUser({m_crm.tenantId(), name, kSha512Hash}).ok());

    const Result<SessionUser> user = signIn(u"No Such Tenant"_qs, name, kPassword);
    QVERIFY(!user.ok());
    QCOMPARE(user.error().code, ErrorCode::NotFound);
    QVERIFY(user.error().message.contains(u"No Such Tenant"_qs));
    QVERIFY(m_crm.securityLogRows(name).isEmpty());
}

void TestSignIn::locksOutAfterFiveFailures()
{
    const QString name = uniqueName();
    const auto id = m_crm.insertUser({m_crm.tenantId(), name, kSha512Hash});
    QVERIFY(id.ok());
    QString stamp = m_crm.userRow(id.value())[u"ConcurrencyStamp"_qs].toString();

    // 1. Four wrong passwords are counted, each renewing the row's ConcurrencyStamp.
    for (int failure = 1; failure <= 4; ++failure) {
        m_clock.advance(1);
        QCOMPARE(signIn(m_crm.tenantName(), name, u"wrong"_qs).error().code,
                 ErrorCode::InvalidCredentials);
        const QVariantMap row = m_crm.userRow(id.value());
        QCOMPARE(row[u"AccessFailedCount"_qs].toInt(), failure);
        QCOMPARE(row[u"EntityVersion"_qs].toInt(), failure);
        QVERIFY(row[u"ConcurrencyStamp"_qs].toString() != stamp);
        QCOMPARE(row[u"ConcurrencyStamp"_qs].toString().size(), 32);
        stamp = row[u"ConcurrencyStamp"_qs].toString();
        QVERIFY(!row[u"LockoutEnd"_qs].toDateTime().isValid());
    }

    // 2. The fifth locks the user out for five minutes and starts the count again.
    m_clock.advance(1);
    const QDateTime lockedAt = m_clock.nowUtc();
    const Result<SessionUser> fifth = signIn(m_crm.tenantName(), name, u"wrong"_qs);
    QCOMPARE(fifth.error().code, ErrorCode::UserLockedOut);
    QVERIFY(fifth.error().message.contains(u"5 minute"_qs));
    QVariantMap row = m_crm.userRow(id.value());
    QCOMPARE(row[u"AccessFailedCount"_qs].toInt(), 0);
    QCOMPARE(row[u"LockoutEnd"_qs].toDateTime(), lockedAt.addSecs(300));

    // 3. Locked: even the right password is refused, and nothing more is counted.
    m_clock.advance(299);
    QCOMPARE(signIn(m_crm.tenantName(), name, kPassword).error().code, ErrorCode::UserLockedOut);
    QCOMPARE(m_crm.userRow(id.value())[u"AccessFailedCount"_qs].toInt(), 0);

    // 4. Once the lockout has ended, the right password signs in.
    m_clock.advance(1);
    const Result<SessionUser> after = signIn(m_crm.tenantName(), name, kPassword);
    QVERIFY2(after.ok(), qPrintable(after.error().message));

    QStringList actions;
    for (const QVariantMap &logRow : m_crm.securityLogRows(name))
        actions << logRow[u"Action"_qs].toString();
    QCOMPARE(actions, (QStringList{u"LoginFailed"_qs, u"LoginFailed"_qs, u"LoginFailed"_qs,
                                   u"LoginFailed"_qs, u"LoginLockedout"_qs, u"LoginLockedout"_qs,
                                   u"LoginSucceeded"_qs}));
    m_clock.set(kStart);
}

void TestSignIn::successResetsFailureCount()
{
    const QString name = uniqueName();
    const auto id = m_crm.insertUser({m_crm.tenantId(), name, kSha256Hash});
    QVERIFY(id.ok());
    QVERIFY(!signIn(m_crm.tenantName(), name, u"wrong"_qs).ok());
    QVERIFY(!signIn(m_crm.tenantName(), name, u"wrong again"_qs).ok());
    QCOMPARE(m_crm.userRow(id.value())[u"AccessFailedCount"_qs].toInt(), 2);

    QVERIFY(signIn(m_crm.tenantName(), name, kPassword).ok());
    const QVariantMap row = m_crm.userRow(id.value());
    QCOMPARE(row[u"AccessFailedCount"_qs].toInt(), 0);
    QCOMPARE(row[u"EntityVersion"_qs].toInt(), 3);
}

void TestSignIn::neverLogsOrStoresThePassword()
{
    const QString name = uniqueName();
    const QString secret = u"Corr3ct-Horse-Battery"_qs;
    const auto hash = Crypto::PasswordHasher::hash(secret);
    QVERIFY(hash.ok());
    QVERIFY(m_crm.insertUser({m_crm.tenantId(), name, hash.value()}).ok());
    QVERIFY(signIn(m_crm.tenantName(), name, secret).ok());
    QVERIFY(!signIn(m_crm.tenantName(), name, secret + u"!"_qs).ok());
    QVERIFY(!signIn(m_crm.tenantName(), secret, secret).ok());

    QVERIFY(!m_logs->lines().isEmpty());
    for (const QString &line : m_logs->lines()) {
        QVERIFY2(!line.contains(secret), qPrintable(line));
        QVERIFY2(!line.contains(hash.value().left(20)), qPrintable(line));
    }
    for (const QVariantMap &row : m_crm.securityLogRows(name)) {
        for (const QVariant &value : row)
            QVERIFY(!value.toString().contains(secret));
    }
}

void TestSignIn::readsPermissions_data()
{
    // Where the grant is made: provider "U" (user id) or "R" (role name), and in which tenant.
    QTest::addColumn<QString>("provider");
    QTest::addColumn<Where>("grantedIn");
    QTest::addColumn<bool>("expected");

    QTest::newRow("user-grant") << u"U"_qs << Where::Tenant << true;
    QTest::newRow("role-grant") << u"R"_qs << Where::Tenant << true;
    QTest::newRow("user-grant-of-another-tenant") << u"U"_qs << Where::OtherTenant << false;
    QTest::newRow("role-grant-of-another-tenant") << u"R"_qs << Where::OtherTenant << false;
    QTest::newRow("user-grant-of-the-host") << u"U"_qs << Where::Host << false;
    QTest::newRow("no-grant") << QString() << Where::Tenant << false;
}

void TestSignIn::readsPermissions()
{
    QFETCH(QString, provider);
    QFETCH(Where, grantedIn);
    QFETCH(bool, expected);

    // 1. A tenant user in a role of that tenant, and a role of the same name elsewhere.
    const std::optional<QUuid> tenant = m_crm.tenantId();
    const QString name = uniqueName();
    const auto user = m_crm.insertUser({tenant, name, kSha512Hash});
    QVERIFY(user.ok());
    const QString role = uniqueName(u"role"_qs);
    const auto roleId = m_crm.insertRole(tenant, role);
    QVERIFY2(roleId.ok(), qPrintable(roleId.error().detail));
    QVERIFY(m_crm.addToRole(tenant, user.value(), roleId.value()).ok());
    QVERIFY(m_crm.insertRole(m_otherTenantId, role).ok());

    // 2. The grant, and one the user never holds: another user's.
    const std::optional<QUuid> where = grantedIn == Where::Tenant        ? tenant
                                       : grantedIn == Where::OtherTenant ? m_otherTenantId
                                                                         : std::optional<QUuid>();
    const QString permission = u"EasyCrm.SocialCrm."_qs + name;
    if (!provider.isEmpty()) {
        const QString key = provider == u"U" ? user.value().toString(QUuid::WithoutBraces) : role;
        const Result<void> granted = m_crm.grant(where, permission, provider, key);
        QVERIFY2(granted.ok(), qPrintable(granted.error().detail));
    }
    QVERIFY(m_crm
                .grant(tenant, permission + u".Other"_qs, u"U"_qs,
                       QUuid::createUuid().toString(QUuid::WithoutBraces))
                .ok());

    const auto read = Db::IdentityReader(m_crm.db()).grantedPermissions(tenant, user.value());
    QVERIFY2(read.ok(), qPrintable(read.error().detail));
    QCOMPARE(read.value(), expected ? QSet<QString>{permission} : QSet<QString>{});
}

void TestSignIn::signInCarriesPermissions()
{
    const std::optional<QUuid> tenant = m_crm.tenantId();
    const QString name = uniqueName();
    const auto user = m_crm.insertUser({tenant, name, kSha256Hash});
    QVERIFY(user.ok());
    const auto roleId = m_crm.insertRole(tenant, uniqueName(u"support"_qs));
    QVERIFY(roleId.ok());
    QVERIFY(m_crm.addToRole(tenant, user.value(), roleId.value()).ok());
    QVERIFY(m_crm
                .grant(tenant, Contract::kPermissionUseBrandAccounts, u"R"_qs,
                       uniqueName(u"support"_qs))
                .ok());
    // ABP writes the user key as Guid.ToString(); an upper-case key still names the user.
    QVERIFY(m_crm
                .grant(tenant, Contract::kPermissionManageProviders, u"U"_qs,
                       user.value().toString(QUuid::WithoutBraces).toUpper())
                .ok());

    const Result<SessionUser> signedIn = signIn(m_crm.tenantName(), name, kPassword);
    QVERIFY2(signedIn.ok(), qPrintable(signedIn.error().message));
    QCOMPARE(signedIn.value().permissions, (QSet<QString>{Contract::kPermissionUseBrandAccounts,
                                                          Contract::kPermissionManageProviders}));
    QVERIFY(signedIn.value().isGranted(Contract::kPermissionUseBrandAccounts));
    QVERIFY(!signedIn.value().isGranted(Contract::kPermissionManageBrandAccounts));
}

void TestSignIn::localAdminHoldsEverySocialCrmPermission()
{
    if (m_crm.isPostgres())
        QSKIP("the local administrator exists in the embedded database only");
    QTemporaryDir dir;
    const auto workspace = Workspace::openEmbedded(dir.filePath(u"local.sqlite"_qs), m_clock);
    QVERIFY2(workspace.ok(), qPrintable(workspace.error().detail));
    const SessionUser &admin = workspace.value()->user();
    QCOMPARE(admin.userName, u"admin"_qs);
    QCOMPARE(admin.permissions, QSet<QString>(Contract::kSocialCrmPermissions.cbegin(),
                                              Contract::kSocialCrmPermissions.cend()));
    // Held through its role's grants, as ABP stores them, not by being the local admin.
    const auto direct = Db::IdentityReader(workspace.value()->database())
                            .grantedPermissions(admin.tenantId, admin.userId);
    QVERIFY(direct.ok());
    QCOMPARE(direct.value(), admin.permissions);
    QCOMPARE(Db::IdentityReader(workspace.value()->database()).roleNames(admin.userId).value(),
             QStringList{u"admin"_qs});
}

QTEST_GUILESS_MAIN(TestSignIn)
#include "tst_signin.moc"
