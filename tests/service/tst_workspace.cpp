// Opening the tenant's production CRM database (DESIGN §6, issue 3): the schema contract
// checked first and its first missing table or column named, only the module's tables
// migrated (once, however many clients start together), the server's key ring read and never
// written, the CRM user signed in with their password (once, however often the app opens the
// database for them), and clear errors for a server that does not answer or refuses the
// login. Runs against the PostgreSQL server of tests/db/with-postgres.sh; without one only the
// unreachable-server case runs.
#include "core/crypto/dataprotector.h"
#include "core/db/database.h"
#include "core/db/migrations.h"
#include "core/service/crmcontract.h"
#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"

#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>

#include <latch>
#include <thread>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

Q_DECLARE_METATYPE(EasyCrm::ErrorCode)

namespace {

// A password no message may ever repeat.
const QString kPassword = QStringLiteral("Pa55-never-shown-9f3c");

// The seeded user, signed in with a password that must never be repeated either.
CrmCredentials credentials()
{
    return {u"Acme"_qs, u"admin"_qs, SecretString(kPassword)};
}

QString codeName(ErrorCode code)
{
    return errorCodeName(code);
}

// Every result of a one-column query, as text; a failed query fails the comparison that uses it.
QStringList values(const Db::PostgresSettings &settings, const QString &sql)
{
    auto db = Db::Database::openPostgres(settings);
    if (!db)
        return {u"<open failed: "_qs + db.error().detail + u'>'};
    QSqlQuery query(db.value()->handle());
    if (!query.exec(sql))
        return {u"<query failed: "_qs + sql + u'>'};
    QStringList result;
    while (query.next())
        result << query.value(0).toString();
    return result;
}

bool exec(const Db::PostgresSettings &settings, const QString &sql)
{
    auto db = Db::Database::openPostgres(settings);
    if (!db)
        return false;
    QSqlQuery query(db.value()->handle());
    if (query.exec(sql))
        return true;
    qWarning().noquote() << "test SQL failed:" << sql;
    return false;
}

QStringList tables(const Db::PostgresSettings &settings)
{
    return values(settings, QStringLiteral("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'public' ORDER BY table_name"));
}

// A loopback port nothing listens on (taken and given back).
int closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return 1;
    return server.serverPort();
}

QList<int> moduleVersions()
{
    QList<int> versions;
    for (const Db::Migration &migration : Db::allMigrations()) {
        if (migration.scope == Db::Migration::Scope::AllDrivers)
            versions << migration.version;
    }
    return versions;
}

} // namespace

class TestWorkspace final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void opensTheServerDatabaseWithoutTouchingAbpTables();
    void missingColumnIsNamed_data();
    void missingColumnIsNamed();
    void missingTableIsNamed();
    void databaseWithoutAbpTablesIsNotACrmDatabase();
    void columnsOfNewerAbpVersionsAreOptional();
    void signInIsChecked_data();
    void signInIsChecked();
    void aRefusedSignInWritesOnlyItsSecurityLogRow();
    void reopeningForTheSignedInUserSignsInOnce();
    void aSignInOpensNoOtherDatabase();
    void anUnattendedOpenActsForNoUser();
    void keyRingWithoutUsableKeyIsRefused_data();
    void keyRingWithoutUsableKeyIsRefused();
    void twoClientsStartingTogetherMigrateOnce();
    void unreachableServerIsToldApart();
    void refusedLoginIsToldApart_data();
    void refusedLoginIsToldApart();
    void missingDatabaseIsNamed();

private:
    [[nodiscard]] bool create(const PostgresCrmOptions &options = {});
    Result<std::unique_ptr<Workspace>> open(const CrmCredentials &credentials);
    Result<std::unique_ptr<Workspace>> open();
    void expectRefused(const Result<std::unique_ptr<Workspace>> &opened, ErrorCode code,
                       const QString &messagePart);

    SystemClock m_clock;
    std::optional<PostgresCrm> m_crm;
};

void TestWorkspace::init()
{
    const bool needsServer =
        QTest::currentTestFunction() != QByteArray("unreachableServerIsToldApart");
    if (needsServer && !postgresAvailable())
        QSKIP("needs PostgreSQL: run through tests/db/with-postgres.sh");
}

void TestWorkspace::cleanup()
{
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

bool TestWorkspace::create(const PostgresCrmOptions &options)
{
    const QString name = QString::fromLatin1(QTest::currentTestFunction());
    auto crm = createPostgresCrm(name, options);
    if (!crm) {
        qWarning().noquote() << "fixture:" << crm.error().detail;
        return false;
    }
    m_crm = std::move(crm).value();
    return true;
}

Result<std::unique_ptr<Workspace>> TestWorkspace::open(const CrmCredentials &credentials)
{
    return Workspace::openProduction(m_crm->settings, m_clock, credentials);
}

Result<std::unique_ptr<Workspace>> TestWorkspace::open()
{
    return open(fixtureCredentials(*m_crm));
}

void TestWorkspace::expectRefused(const Result<std::unique_ptr<Workspace>> &opened, ErrorCode code,
                                  const QString &messagePart)
{
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().message.contains(messagePart), qPrintable(opened.error().message));
    QCOMPARE(codeName(opened.error().code), codeName(code));
}

void TestWorkspace::opensTheServerDatabaseWithoutTouchingAbpTables()
{
    QVERIFY(create());
    const QStringList before = tables(m_crm->settings);

    auto opened = open();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().detail));
    Workspace &workspace = *opened.value();

    // The identity the fixture seeded, and the server's newest key as the default.
    QCOMPARE(workspace.user().tenantId, std::optional<QUuid>(m_crm->tenantId));
    QCOMPARE(workspace.user().tenantName, m_crm->tenantName);
    QCOMPARE(workspace.user().userId, m_crm->userId);
    const Crypto::MasterKey *key = workspace.protector().keyRing().defaultKey(m_clock.nowUtc());
    QVERIFY(key);
    QCOMPARE(key->id, m_crm->keyIds.last());

    // Only the module's tables were added; the key ring kept its two rows.
    QStringList added = tables(m_crm->settings);
    for (const QString &table : before)
        added.removeOne(table);
    QVERIFY(!added.isEmpty());
    for (const QString &table : std::as_const(added))
        QVERIFY2(table.startsWith(u"SocialCrm"), qPrintable(table));
    QCOMPARE(values(m_crm->settings, u"SELECT COUNT(*) FROM \"DataProtectionKeys\""_qs),
             QStringList{QStringLiteral("2")});
    const auto applied = workspace.database().appliedVersions();
    QVERIFY(applied.ok());
    QCOMPARE(applied.value(), moduleVersions());
}

void TestWorkspace::missingColumnIsNamed_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::newRow("background-job-next-try-time")
        << QStringLiteral("AbpBackgroundJobs") << QStringLiteral("NextTryTime");
    QTest::newRow("audit-action-method-name")
        << QStringLiteral("AbpAuditLogActions") << QStringLiteral("MethodName");
    QTest::newRow("event-outbox-event-data")
        << QStringLiteral("AbpEventOutbox") << QStringLiteral("EventData");
    QTest::newRow("user-is-active") << QStringLiteral("AbpUsers") << QStringLiteral("IsActive");
    QTest::newRow("key-ring-xml") << QStringLiteral("DataProtectionKeys") << QStringLiteral("Xml");
    QTest::newRow("permission-grant-provider-key")
        << QStringLiteral("AbpPermissionGrants") << QStringLiteral("ProviderKey");
}

void TestWorkspace::missingColumnIsNamed()
{
    QFETCH(QString, table);
    QFETCH(QString, column);
    QVERIFY(create());
    QVERIFY(exec(m_crm->settings,
                 QStringLiteral("ALTER TABLE \"%1\" DROP COLUMN \"%2\"").arg(table, column)));
    const QStringList before = tables(m_crm->settings);

    expectRefused(open(), ErrorCode::SchemaMismatch,
                  QStringLiteral("%1 is not an EasyCRM database: the column %2.%3 is missing")
                      .arg(m_crm->settings.database, table, column));
    // Refused before anything was written.
    QCOMPARE(tables(m_crm->settings), before);
}

void TestWorkspace::missingTableIsNamed()
{
    QVERIFY(create());
    QVERIFY(exec(m_crm->settings, QStringLiteral("DROP TABLE \"AbpEventOutbox\"")));
    expectRefused(open(), ErrorCode::SchemaMismatch,
                  QStringLiteral("is not an EasyCRM database: the table AbpEventOutbox is "
                                 "missing"));
}

void TestWorkspace::databaseWithoutAbpTablesIsNotACrmDatabase()
{
    QVERIFY(create({PostgresCrmOptions::Contents::Empty, false}));
    // Some other application's database.
    QVERIFY(exec(m_crm->settings, QStringLiteral("CREATE TABLE orders (id integer)")));
    expectRefused(open(fixtureCredentials(QString(), u"admin"_qs)), ErrorCode::SchemaMismatch,
                  m_crm->settings.database + u" is not an EasyCRM database"_qs);
    QCOMPARE(tables(m_crm->settings), QStringList{QStringLiteral("orders")});
}

void TestWorkspace::columnsOfNewerAbpVersionsAreOptional()
{
    // AbpBackgroundJobs.ApplicationName came with a later ABP 8 release.
    QVERIFY(create());
    QVERIFY(exec(m_crm->settings, QStringLiteral("ALTER TABLE \"AbpBackgroundJobs\" DROP COLUMN "
                                                 "\"ApplicationName\"")));
    auto opened = open();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
}

void TestWorkspace::signInIsChecked_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password"); // empty: the fixture's
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("messagePart");
    const QString ok;
    const QString right;
    const QString wrongCredentials =
        u"The user name, e-mail address or password is not correct."_qs;
    const auto row = [](const char *name, const QString &tenant, const QString &user,
                        const QString &password, ErrorCode code, const QString &part) {
        QTest::newRow(name) << tenant << user << password << code << part;
    };
    row("seeded-user", u"Acme"_qs, u"admin"_qs, right, ErrorCode::None, ok);
    row("names-ignore-case", u"ACME"_qs, u"Admin"_qs, right, ErrorCode::None, ok);
    row("e-mail-address", u"Acme"_qs, u"admin@example.com"_qs, right, ErrorCode::None, ok);
    row("host-user", QString(), u"host.admin"_qs, right, ErrorCode::None, ok);
    row("unknown-tenant", u"Umbrella"_qs, u"admin"_qs, right, ErrorCode::NotFound,
        u"no tenant named Umbrella"_qs);
    row("wrong-password", u"Acme"_qs, u"admin"_qs, u"1q2w3E"_qs, ErrorCode::InvalidCredentials,
        wrongCredentials);
    // Unknown or somewhere else: the same answer as a wrong password, so names stay unknown.
    row("unknown-user", u"Acme"_qs, u"mallory"_qs, right, ErrorCode::InvalidCredentials,
        wrongCredentials);
    row("user-of-another-tenant", u"Acme"_qs, u"globex.admin"_qs, right,
        ErrorCode::InvalidCredentials, wrongCredentials);
    row("host-user-named-as-tenant-user", u"Acme"_qs, u"host.admin"_qs, right,
        ErrorCode::InvalidCredentials, wrongCredentials);
    row("tenant-user-named-as-host-user", QString(), u"admin"_qs, right,
        ErrorCode::InvalidCredentials, wrongCredentials);
    row("inactive-user", u"Acme"_qs, u"sleeper"_qs, right, ErrorCode::UserInactive,
        u"sleeper is not active"_qs);
    row("locked-out-user", u"Acme"_qs, u"locked.out"_qs, right, ErrorCode::UserLockedOut,
        u"Try again in 30 minute"_qs);
    row("deleted-user", u"Acme"_qs, u"gone"_qs, right, ErrorCode::UserDeleted,
        u"gone has been deleted"_qs);
}

void TestWorkspace::signInIsChecked()
{
    QFETCH(QString, tenant);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(ErrorCode, code);
    QFETCH(QString, messagePart);
    PostgresCrmOptions options;
    options.signInUsers = true;
    QVERIFY(create(options));
    {
        auto db = Db::Database::openPostgres(m_crm->settings);
        QVERIFY(db.ok());
        QVERIFY(insertAbpUser(*db.value(), {m_crm->tenantId, u"gone"_qs, true, true}).ok());
    }
    CrmCredentials credentials = fixtureCredentials(tenant, user);
    if (!password.isEmpty())
        credentials.password = SecretString(password);

    auto opened = open(credentials);
    if (code != ErrorCode::None) {
        QVERIFY(opened.ok() || !opened.error().message.contains(credentials.password.text()));
        return expectRefused(opened, code, messagePart);
    }
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    const SessionUser &session = opened.value()->user();
    QCOMPARE(session.userName.toLower(), user.section(u'@', 0, 0).toLower());
    QCOMPARE(session.tenantId.has_value(), !tenant.isEmpty());
    QVERIFY(opened.value()->signedIn());
    if (!tenant.isEmpty()) {
        QCOMPARE(*session.tenantId, m_crm->tenantId);
        QCOMPARE(session.tenantName, m_crm->tenantName);
    } else {
        // The host's own role grants: the module's host administrator.
        QCOMPARE(session.permissions, QSet<QString>(Contract::kSocialCrmPermissions.cbegin(),
                                                    Contract::kSocialCrmPermissions.cend()));
    }
}

void TestWorkspace::aRefusedSignInWritesOnlyItsSecurityLogRow()
{
    QVERIFY(create());
    const QStringList before = tables(m_crm->settings);

    CrmCredentials credentials = fixtureCredentials(*m_crm);
    credentials.password = SecretString(kPassword);
    expectRefused(open(credentials), ErrorCode::InvalidCredentials, u"not correct"_qs);

    // No module table was created; ABP's login wrote its row and counted the failure.
    QCOMPARE(tables(m_crm->settings), before);
    QCOMPARE(values(m_crm->settings, u"SELECT \"Action\" FROM \"AbpSecurityLogs\""_qs),
             QStringList{u"LoginFailed"_qs});
    QCOMPARE(values(m_crm->settings, u"SELECT \"AccessFailedCount\" FROM \"AbpUsers\""_qs),
             QStringList{u"1"_qs});
}

void TestWorkspace::reopeningForTheSignedInUserSignsInOnce()
{
    QVERIFY(create());
    std::optional<SignedIn> signedIn;
    {
        auto opened = open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        signedIn = opened.value()->signedIn();
    }
    QVERIFY(signedIn);

    auto reopened = Workspace::reopenProduction(m_crm->settings, m_clock, *signedIn);
    QVERIFY2(reopened.ok(), qPrintable(reopened.ok() ? QString() : reopened.error().message));
    QCOMPARE(reopened.value()->user().userId, m_crm->userId);
    QCOMPARE(reopened.value()->user().tenantId, std::optional(m_crm->tenantId));
    QCOMPARE(values(m_crm->settings, u"SELECT \"Action\" FROM \"AbpSecurityLogs\""_qs),
             QStringList{u"LoginSucceeded"_qs});
}

void TestWorkspace::aSignInOpensNoOtherDatabase()
{
    QVERIFY(create());
    auto opened = open();
    QVERIFY(opened.ok());
    const SignedIn signedIn = *opened.value()->signedIn();
    const PostgresCrm first = *m_crm;
    QVERIFY(create());

    const auto other = Workspace::reopenProduction(m_crm->settings, m_clock, signedIn);
    expectRefused(other, ErrorCode::DatabaseOpenFailed, u"Sign in to"_qs);
    QVERIFY(dropPostgresCrm(first).ok());
}

void TestWorkspace::anUnattendedOpenActsForNoUser()
{
    QVERIFY(create());
    auto opened = Workspace::openUnattended(m_crm->settings, m_clock);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    QVERIFY(opened.value()->user().userId.isNull());
    QVERIFY(opened.value()->user().permissions.isEmpty());
    QVERIFY(!opened.value()->signedIn());
    QVERIFY(values(m_crm->settings, u"SELECT \"Action\" FROM \"AbpSecurityLogs\""_qs).isEmpty());
    QVERIFY(opened.value()->database().appliedVersions().ok());
}

void TestWorkspace::keyRingWithoutUsableKeyIsRefused_data()
{
    QTest::addColumn<bool>("onlyExpired");
    QTest::newRow("no-key-at-all") << false;
    QTest::newRow("only-an-expired-key") << true;
}

void TestWorkspace::keyRingWithoutUsableKeyIsRefused()
{
    QFETCH(bool, onlyExpired);
    QVERIFY(create({PostgresCrmOptions::Contents::Seeded, false}));
    if (onlyExpired) {
        auto db = Db::Database::openPostgres(m_crm->settings);
        QVERIFY(db.ok());
        const ServerKey old = newServerKey(m_clock.nowUtc().addDays(-200));
        QVERIFY(storeKeyRingRow(*db.value(), keyFriendlyName(old.id), serverKeyXml(old)).ok());
    }
    const QStringList keysBefore =
        values(m_crm->settings, u"SELECT \"Xml\" FROM \"DataProtectionKeys\""_qs);

    expectRefused(open(), ErrorCode::NoDefaultKey, u"no Data Protection key"_qs);
    // Refused before the sign-in: no login was attempted, so none was logged.
    QVERIFY(values(m_crm->settings, u"SELECT \"Id\" FROM \"AbpSecurityLogs\""_qs).isEmpty());
    // The server's key ring is the server's: nothing was added to it.
    QCOMPARE(values(m_crm->settings, u"SELECT \"Xml\" FROM \"DataProtectionKeys\""_qs), keysBefore);
}

void TestWorkspace::twoClientsStartingTogetherMigrateOnce()
{
    QVERIFY(create());
    // Two threads, each with its own connection, released at the same instant: the
    // migrations' advisory lock must let exactly one of them create the module's tables.
    std::latch start(2);
    Error errors[2];
    const auto client = [&](int index) {
        start.arrive_and_wait();
        auto opened =
            Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
        if (!opened)
            errors[index] = opened.error();
    };
    std::thread first(client, 0);
    std::thread second(client, 1);
    first.join();
    second.join();
    QVERIFY2(!errors[0].isError(), qPrintable(errors[0].detail));
    QVERIFY2(!errors[1].isError(), qPrintable(errors[1].detail));

    QStringList expected;
    for (int version : moduleVersions())
        expected << QString::number(version);
    QCOMPARE(values(m_crm->settings, u"SELECT \"Version\" FROM \"SocialCrmSchemaVersions\" "
                                     u"ORDER BY \"Version\""_qs),
             expected);
}

void TestWorkspace::unreachableServerIsToldApart()
{
    Db::PostgresSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = closedPort();
    settings.database = QStringLiteral("crm");
    settings.user = QStringLiteral("crm_app");
    settings.password = kPassword;
    settings.connectTimeoutSeconds = 5;
    const auto opened = Workspace::openProduction(settings, m_clock, credentials());
    expectRefused(opened, ErrorCode::DatabaseUnreachable,
                  QStringLiteral("127.0.0.1:%1").arg(settings.port));
    QVERIFY(!opened.error().message.contains(kPassword));
    QVERIFY(!opened.error().detail.contains(kPassword));
}

void TestWorkspace::refusedLoginIsToldApart_data()
{
    QTest::addColumn<bool>("roleExists");
    QTest::newRow("unknown-role") << false;
    QTest::newRow("wrong-password") << true;
}

void TestWorkspace::refusedLoginIsToldApart()
{
    QFETCH(bool, roleExists);
    QVERIFY(create());
    Db::PostgresSettings settings = m_crm->settings;
    settings.user = QStringLiteral("crm_app");
    settings.password = kPassword;
    if (roleExists) {
        // The test server trusts every login; this role alone must give its password.
        const Db::PostgresSettings server = postgresServerSettings();
        const QString hba = values(server, u"SHOW hba_file"_qs).value(0);
        QVERIFY(exec(server, u"DROP ROLE IF EXISTS crm_app"_qs));
        QVERIFY(exec(server, u"CREATE ROLE crm_app LOGIN PASSWORD 'the-right-one'"_qs));
        const QString lines = u"ARRAY['host all crm_app 127.0.0.1/32 scram-sha-256', "
                              u"'host all crm_app ::1/128 scram-sha-256', "
                              u"'local all all trust', 'host all all 127.0.0.1/32 trust', "
                              u"'host all all ::1/128 trust']"_qs;
        QVERIFY(exec(server, u"COPY (SELECT unnest("_qs + lines + u")) TO '"_qs + hba + u"'"_qs));
        QVERIFY(exec(server, u"SELECT pg_reload_conf()"_qs));
    }
    // The server rereads its configuration in the background.
    QTRY_COMPARE(codeName(Workspace::openProduction(settings, m_clock, credentials()).error().code),
                 codeName(ErrorCode::DatabaseCredentialsRejected));
    const auto opened = Workspace::openProduction(settings, m_clock, credentials());
    expectRefused(opened, ErrorCode::DatabaseCredentialsRejected, u"refused the user crm_app"_qs);
    QVERIFY(!opened.error().message.contains(kPassword));
    QVERIFY(!opened.error().detail.contains(kPassword));
}

void TestWorkspace::missingDatabaseIsNamed()
{
    Db::PostgresSettings settings = postgresServerSettings();
    settings.database = QStringLiteral("easycrm_no_such_database");
    const auto opened = Workspace::openProduction(settings, m_clock, credentials());
    expectRefused(opened, ErrorCode::DatabaseOpenFailed, u"has no database easycrm_no_such"_qs);
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
