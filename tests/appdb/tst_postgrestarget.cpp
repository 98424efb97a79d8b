// The PostgreSQL target as the command line, the settings and the keychain see it, and how
// a failed open is sorted into what the person can fix.
#include "app/databasecontroller.h"
#include "app/postgresopener.h"
#include "app/postgrestarget.h"
#include "core/db/database.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::App;
using Field = EasyCrm::Ui::DatabasePage::Field;

Q_DECLARE_METATYPE(EasyCrm::ErrorCode)
Q_DECLARE_METATYPE(EasyCrm::App::OpenProblem)
Q_DECLARE_METATYPE(EasyCrm::Ui::DatabasePage::Field)

class TestPostgresTarget final : public QObject
{
    Q_OBJECT

private slots:
    void parsesAddresses_data();
    void parsesAddresses();
    void refusesMalformedAddresses_data();
    void refusesMalformedAddresses();
    void settingsRoundTripWithoutAPassword();
    void unknownSslModeInSettingsFallsBackToPrefer();
    void keychainAccountNamesUserServerAndDatabase();
    void connectionSettingsCarryTheTimeout();
    void openErrorsAreSorted_data();
    void openErrorsAreSorted();
    void problemsPointAtTheFieldToFix_data();
    void problemsPointAtTheFieldToFix();
};

void TestPostgresTarget::parsesAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::newRow("host-port-database")
        << QStringLiteral("db.example.com:5433/crm") << QStringLiteral("db.example.com") << 5433
        << QStringLiteral("crm");
    QTest::newRow("default-port") << QStringLiteral("db.example.com/crm")
                                  << QStringLiteral("db.example.com") << 5432
                                  << QStringLiteral("crm");
    QTest::newRow("ipv4") << QStringLiteral("10.0.0.7:6432/easycrm") << QStringLiteral("10.0.0.7")
                          << 6432 << QStringLiteral("easycrm");
    QTest::newRow("ipv6-bracketed") << QStringLiteral("[::1]:5433/crm") << QStringLiteral("::1")
                                    << 5433 << QStringLiteral("crm");
    QTest::newRow("ipv6-default-port")
        << QStringLiteral("[fe80::1]/crm") << QStringLiteral("fe80::1") << 5432
        << QStringLiteral("crm");
    QTest::newRow("surrounding-spaces") << QStringLiteral("  db:5432/crm \n")
                                        << QStringLiteral("db") << 5432 << QStringLiteral("crm");
    QTest::newRow("highest-port") << QStringLiteral("db:65535/crm") << QStringLiteral("db") << 65535
                                  << QStringLiteral("crm");
}

void TestPostgresTarget::parsesAddresses()
{
    QFETCH(QString, address);
    QString problem;
    const std::optional<PostgresTarget> target = parsePostgresAddress(address, &problem);
    QVERIFY2(target, qPrintable(problem));
    QTEST(target->host, "host");
    QTEST(target->port, "port");
    QTEST(target->database, "database");
}

void TestPostgresTarget::refusesMalformedAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("problem");
    const QString slash = QStringLiteral("Name the database after a slash: HOST[:PORT]/DATABASE.");
    const QString port = QStringLiteral("The port must be a number from 1 to 65535.");
    QTest::newRow("no-database") << QStringLiteral("db.example.com:5432") << slash;
    QTest::newRow("trailing-slash") << QStringLiteral("db.example.com/") << slash;
    QTest::newRow("empty") << QString() << slash;
    QTest::newRow("no-host") << QStringLiteral(":5432/crm")
                             << QStringLiteral("Name the server: HOST[:PORT]/DATABASE.");
    QTest::newRow("port-zero") << QStringLiteral("db:0/crm") << port;
    QTest::newRow("port-too-high") << QStringLiteral("db:65536/crm") << port;
    QTest::newRow("port-letters") << QStringLiteral("db:pg/crm") << port;
    QTest::newRow("port-empty") << QStringLiteral("db:/crm") << port;
    QTest::newRow("ipv6-unbracketed")
        << QStringLiteral("::1:5432/crm")
        << QStringLiteral("Put an IPv6 address in brackets: [::1]:5432/crm.");
    QTest::newRow("ipv6-unclosed") << QStringLiteral("[::1:5432/crm")
                                   << QStringLiteral("Close the IPv6 address with a bracket: "
                                                     "[::1]:5432/crm.");
    QTest::newRow("ipv6-junk-after-bracket")
        << QStringLiteral("[::1]x/crm")
        << QStringLiteral("Only a port may follow the IPv6 address.");
}

void TestPostgresTarget::refusesMalformedAddresses()
{
    QFETCH(QString, address);
    QString problem;
    QVERIFY(!parsePostgresAddress(address, &problem));
    QTEST(problem, "problem");
}

void TestPostgresTarget::settingsRoundTripWithoutAPassword()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    PostgresTarget target;
    target.host = QStringLiteral("db.example.com");
    target.port = 5433;
    target.database = QStringLiteral("crm");
    target.user = QStringLiteral("crm_app");
    target.sslMode = QStringLiteral("verify-full");
    target.tenantName = QStringLiteral("Acme");
    target.userName = QStringLiteral("alice");
    {
        QSettings settings(file, QSettings::IniFormat);
        savePostgresTarget(settings, target);
    }
    QSettings settings(file, QSettings::IniFormat);
    QCOMPARE(loadPostgresTarget(settings), target);
    // Everything sits under "postgres/", and nothing there is a password.
    QCOMPARE(settings.childGroups(), QStringList{QStringLiteral("postgres")});
    settings.beginGroup(QStringLiteral("postgres"));
    for (const QString &key : settings.childKeys())
        QVERIFY2(!key.contains(u"pass", Qt::CaseInsensitive), qPrintable(key));
}

void TestPostgresTarget::unknownSslModeInSettingsFallsBackToPrefer()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("postgres/sslMode"), QStringLiteral("allow"));
    QCOMPARE(loadPostgresTarget(settings).sslMode, QStringLiteral("prefer"));
    QCOMPARE(sslModeNames(),
             (QStringList{QStringLiteral("disable"), QStringLiteral("prefer"),
                          QStringLiteral("require"), QStringLiteral("verify-full")}));
}

void TestPostgresTarget::keychainAccountNamesUserServerAndDatabase()
{
    PostgresTarget target;
    target.host = QStringLiteral("::1");
    target.port = 5433;
    target.database = QStringLiteral("crm");
    target.user = QStringLiteral("crm_app");
    QCOMPARE(target.address(), QStringLiteral("[::1]:5433/crm"));
    QCOMPARE(target.keychainAccount(), QStringLiteral("postgres://crm_app@[::1]:5433/crm"));
    // The tenant and CRM user do not change which database password is meant.
    PostgresTarget other = target;
    other.tenantName = QStringLiteral("Acme");
    other.userName = QStringLiteral("bob");
    QCOMPARE(other.keychainAccount(), target.keychainAccount());
}

void TestPostgresTarget::connectionSettingsCarryTheTimeout()
{
    PostgresTarget target;
    target.host = QStringLiteral("db");
    target.database = QStringLiteral("crm");
    target.user = QStringLiteral("crm_app");
    target.sslMode = QStringLiteral("require");
    const Db::PostgresSettings settings = target.settings(QStringLiteral("pw"), 3);
    QCOMPARE(settings.host, QStringLiteral("db"));
    QCOMPARE(settings.port, 5432);
    QCOMPARE(settings.sslMode, QStringLiteral("require"));
    QCOMPARE(settings.password, QStringLiteral("pw"));
    QCOMPARE(settings.connectTimeoutSeconds, 3);
}

void TestPostgresTarget::openErrorsAreSorted_data()
{
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<OpenProblem>("problem");
    const auto row = [](const char *name, bool reachable, ErrorCode code, const char *detail,
                        OpenProblem problem) {
        QTest::newRow(name) << reachable << code << QString::fromUtf8(detail) << problem;
    };
    row("tcp-refused", false, ErrorCode::DatabaseUnreachable, "Connection refused",
        OpenProblem::Unreachable);
    row("workspace-unreachable", true, ErrorCode::DatabaseUnreachable, "",
        OpenProblem::Unreachable);
    row("silent-server", true, ErrorCode::DatabaseOpenFailed,
        "connection to server at \"127.0.0.1\", port 5 failed: timeout expired",
        OpenProblem::Unreachable);
    row("credentials", true, ErrorCode::DatabaseCredentialsRejected,
        "FATAL: password authentication failed for user \"crm\"", OpenProblem::Credentials);
    row("ssl-unsupported", true, ErrorCode::DatabaseOpenFailed,
        "server does not support SSL, but SSL was required", OpenProblem::Ssl);
    row("no-such-database", true, ErrorCode::DatabaseOpenFailed,
        "FATAL: database \"crm2\" does not exist", OpenProblem::NoSuchDatabase);
    row("too-many-clients", true, ErrorCode::DatabaseOpenFailed,
        "FATAL: sorry, too many clients already", OpenProblem::Other);
    row("schema", true, ErrorCode::SchemaMismatch, "", OpenProblem::NotCrmDatabase);
    row("no-key", true, ErrorCode::NoDefaultKey, "", OpenProblem::NoKey);
    row("unreadable-key", true, ErrorCode::KeyRingInvalid, "", OpenProblem::NoKey);
    row("unknown-tenant", true, ErrorCode::NotFound, "", OpenProblem::SignIn);
    row("wrong-password", true, ErrorCode::InvalidCredentials, "", OpenProblem::SignIn);
    row("inactive-user", true, ErrorCode::UserInactive, "", OpenProblem::SignIn);
    row("deleted-user", true, ErrorCode::UserDeleted, "", OpenProblem::SignIn);
    row("locked-out-user", true, ErrorCode::UserLockedOut, "", OpenProblem::SignIn);
    row("unsupported-hash", true, ErrorCode::PasswordHashUnsupported, "", OpenProblem::SignIn);
    row("sign-in-raced", true, ErrorCode::ConcurrencyConflict, "", OpenProblem::Other);
    row("migration", true, ErrorCode::MigrationFailed, "", OpenProblem::Other);
}

void TestPostgresTarget::openErrorsAreSorted()
{
    QFETCH(bool, reachable);
    QFETCH(ErrorCode, code);
    QFETCH(QString, detail);
    QFETCH(OpenProblem, problem);
    QCOMPARE(classifyOpenError(makeError(code, QStringLiteral("core message"), detail), reachable),
             problem);
}

void TestPostgresTarget::problemsPointAtTheFieldToFix_data()
{
    QTest::addColumn<OpenProblem>("problem");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<Field>("field");
    const auto row = [](const char *name, OpenProblem problem, ErrorCode code, const char *detail,
                        Field field) {
        QTest::newRow(name) << problem << code << QString::fromUtf8(detail) << field;
    };
    const ErrorCode open = ErrorCode::DatabaseOpenFailed;
    row("unreachable", OpenProblem::Unreachable, open, "", Field::Host);
    row("wrong-password", OpenProblem::Credentials, open,
        "FATAL: password authentication failed for user \"crm_app\"", Field::Password);
    row("unknown-role", OpenProblem::Credentials, open, "FATAL: role \"crm_ap\" does not exist",
        Field::User);
    row("no-such-database", OpenProblem::NoSuchDatabase, open, "", Field::Database);
    row("not-a-crm-database", OpenProblem::NotCrmDatabase, open, "", Field::Database);
    row("ssl", OpenProblem::Ssl, open, "", Field::SslMode);
    row("unknown-tenant", OpenProblem::SignIn, ErrorCode::NotFound, "", Field::Tenant);
    // Unknown user or wrong password: one answer, at the password, so neither is told apart.
    row("crm-credentials", OpenProblem::SignIn, ErrorCode::InvalidCredentials, "",
        Field::CrmPassword);
    row("inactive-user", OpenProblem::SignIn, ErrorCode::UserInactive, "", Field::UserName);
    row("deleted-user", OpenProblem::SignIn, ErrorCode::UserDeleted, "", Field::UserName);
    row("locked-out-user", OpenProblem::SignIn, ErrorCode::UserLockedOut, "", Field::UserName);
    row("no-key", OpenProblem::NoKey, ErrorCode::NoDefaultKey, "", Field::None);
}

void TestPostgresTarget::problemsPointAtTheFieldToFix()
{
    QFETCH(OpenProblem, problem);
    QFETCH(ErrorCode, code);
    QFETCH(QString, detail);
    const Error error = makeError(code, QStringLiteral("core message"), detail);
    QTEST(fieldFor(problem, error), "field");
}

QTEST_GUILESS_MAIN(TestPostgresTarget)
#include "tst_postgrestarget.moc"
