// The connect flow end to end (DESIGN §2): the real sandbox OAuth server, the real loopback
// listener, a scripted browser on the sandbox's real sign-in and consent pages, and the CRM
// database: the embedded SQLite file by default; under tests/db/with-postgres.sh a CRM
// server's PostgreSQL database (tests/support/postgrescrm.h) opened as production opens it.
// Only the opening differs; every step and check is the same on both.
#include "core/crypto/dataprotector.h"
#include "core/db/database.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "tests/support/logcapture.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/sandboxserver.h"
#include "tests/support/sandboxworkspace.h"
#include "tests/support/scriptedbrowser.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 30000;

// Every value of one column of a table, as text.
QStringList column(Db::Database &db, const QString &table, const QString &name,
                   const QString &where = {})
{
    QSqlQuery query(db.handle());
    const QString sql = u"SELECT \""_qs + name + u"\" FROM \""_qs + table + u"\""_qs +
                        (where.isEmpty() ? QString() : u" WHERE "_qs + where);
    QStringList values;
    if (!query.exec(sql))
        return {QStringLiteral("<query failed: %1>").arg(sql)};
    while (query.next())
        values << query.value(0).toString();
    return values;
}

int rowCount(Db::Database &db, const QString &table, const QString &where = {})
{
    return column(db, table, QStringLiteral("Id"), where).size();
}

// The OAuth anomalies among the security-log rows; opening the database adds the sign-in's.
const QString kOAuthEvents = QStringLiteral("\"Identity\" = 'SocialIntegration'");

} // namespace

class TestConnectFlow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void approveStoresTheConnection();
    void denyPersistsNothing();
    void tamperedStateIsRefusedBeforeAnyTokenRequest();
    void droppedStateIsRefused();
    void secondConnectWhileConnectedIsRefused();
    void disconnectRevokesAtTheSandbox();
    void noSecretReachesLogsOrTheDatabaseFile();

private:
    [[nodiscard]] Result<std::unique_ptr<Workspace>> openWorkspace();
    // Everything the CRM database holds: the SQLite file (with its journals), or every row of
    // every table of the PostgreSQL database as text.
    [[nodiscard]] QByteArray storedBytes() const;
    void connectAs(const QString &login, const QString &decision,
                   const QStringList &browserExtra = {});

    std::unique_ptr<LogCapture> m_logs;
    SandboxServer m_sandbox;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<ScriptedBrowser> m_browser;
    std::unique_ptr<QSignalSpy> m_succeeded;
    std::unique_ptr<QSignalSpy> m_failed;
    QString m_databasePath;
    std::optional<PostgresCrm> m_crm;
    int m_run = 0;
};

void TestConnectFlow::initTestCase()
{
    // After QTest installed its own message handler, so every line passes through both.
    m_logs = std::make_unique<LogCapture>();
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    QVERIFY(m_dir.isValid());
}

Result<std::unique_ptr<Workspace>> TestConnectFlow::openWorkspace()
{
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    ++m_run;
    m_databasePath = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(m_run));
    return openSandboxWorkspace(m_databasePath, QStringLiteral("connectflow_%1").arg(m_run),
                                m_clock, sandbox, m_crm);
}

QByteArray TestConnectFlow::storedBytes() const
{
    QByteArray bytes;
    if (!m_crm) {
        for (const QString &suffix :
             {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
            QFile part(m_databasePath + suffix);
            if (part.open(QIODevice::ReadOnly))
                bytes += part.readAll();
        }
        return bytes;
    }
    auto db = Db::Database::openPostgres(m_crm->settings);
    if (!db)
        return bytes;
    QSqlQuery tables(db.value()->handle());
    if (!tables.exec(u"SELECT table_name FROM information_schema.tables "
                     u"WHERE table_schema = 'public'"_qs))
        return bytes;
    while (tables.next()) {
        QSqlQuery rows(db.value()->handle());
        if (!rows.exec(u"SELECT t::text FROM \""_qs + tables.value(0).toString() + u"\" t"_qs))
            return {};
        while (rows.next())
            bytes += rows.value(0).toString().toUtf8() + '\n';
    }
    return bytes;
}

void TestConnectFlow::init()
{
    auto workspace = openWorkspace();
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    m_service = std::make_unique<ConnectionService>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(),
        m_workspace->user(), m_clock);
    m_browser = std::make_unique<ScriptedBrowser>();
    m_service->setBrowserOpener(m_browser->opener());
    m_succeeded =
        std::make_unique<QSignalSpy>(m_service.get(), &ConnectionService::connectSucceeded);
    m_failed = std::make_unique<QSignalSpy>(m_service.get(), &ConnectionService::connectFailed);
    QVERIFY(m_sandbox.resetStats());
}

void TestConnectFlow::cleanup()
{
    m_succeeded.reset();
    m_failed.reset();
    m_service.reset();
    m_browser.reset();
    m_workspace.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

void TestConnectFlow::connectAs(const QString &login, const QString &decision,
                                const QStringList &browserExtra)
{
    m_browser->setArguments(
        QStringList{QStringLiteral("--login"), login, QStringLiteral("--decision"), decision} +
        browserExtra);
    m_service->startConnect(QStringLiteral("sandbox"));
}

void TestConnectFlow::approveStoresTheConnection()
{
    // 1. Connect as alice and approve on the sandbox's consent page.
    QElapsedTimer wall;
    wall.start();
    connectAs(QStringLiteral("alice"), QStringLiteral("approve"));
    QVERIFY(m_succeeded->wait(kFlowTimeoutMs) || !m_failed->isEmpty());
    qInfo("connect flow wall time with the scripted browser on the sandbox's pages: %.0f ms",
          wall.nsecsElapsed() / 1e6);
    QVERIFY2(m_failed->isEmpty(), qPrintable(m_failed->value(0).value(1).value<Error>().message));
    QCOMPARE(m_succeeded->first().at(1).toString(), QStringLiteral("alice"));
    QTRY_VERIFY(m_browser->finished());
    QCOMPARE(m_browser->callbackStatus(), 200);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);

    // 2. Exactly one connection, owned by the signed-in user, with the sandbox identity.
    Db::Database &db = m_workspace->database();
    const QString connections = QStringLiteral("SocialCrmIntegrationConnections");
    QCOMPARE(rowCount(db, connections), 1);
    QCOMPARE(column(db, connections, QStringLiteral("ExternalUserId")),
             QStringList{QStringLiteral("alice-0001")});
    QCOMPARE(column(db, connections, QStringLiteral("ExternalHandle")),
             QStringList{QStringLiteral("alice")});
    QCOMPARE(column(db, connections, QStringLiteral("ExternalDisplayName")),
             QStringList{QStringLiteral("Alice Example")});
    QCOMPARE(column(db, connections, QStringLiteral("Status")), QStringList{QStringLiteral("1")});
    const QUuid owner =
        db.readGuid(column(db, connections, QStringLiteral("OwnerUserId")).value(0));
    QCOMPARE(owner, m_workspace->user().userId);
    QVERIFY(column(db, connections, QStringLiteral("GrantedScopes"))
                .value(0)
                .contains(QStringLiteral("offline_access")));

    // 3. Both tokens stored as Data Protection payloads of exactly what the sandbox issued.
    const QJsonObject issued = m_sandbox.lastExchange();
    for (const auto &[columnName, key] :
         {std::pair{QStringLiteral("ProtectedAccessToken"), QStringLiteral("accessToken")},
          std::pair{QStringLiteral("ProtectedRefreshToken"), QStringLiteral("refreshToken")}}) {
        const QString stored = column(db, connections, columnName).value(0);
        QVERIFY2(stored.startsWith(u"CfDJ8"), qPrintable(columnName));
        const auto plain = m_workspace->protector().unprotect(stored);
        QVERIFY(plain.ok());
        QVERIFY(!issued.value(key).toString().isEmpty());
        QCOMPARE(QString::fromUtf8(plain.value()), issued.value(key).toString());
    }

    // 4. The audit entry, and exactly two jobs with their JSON arguments.
    QCOMPARE(column(db, QStringLiteral("AbpAuditLogActions"), QStringLiteral("MethodName")),
             QStringList{QStringLiteral("SocialConnectionCreated")});
    QCOMPARE(rowCount(db, QStringLiteral("AbpAuditLogs")), 1);
    QCOMPARE(rowCount(db, QStringLiteral("AbpEntityChanges")), 1);
    const QString connectionId = db.readGuid(column(db, connections, QStringLiteral("Id")).value(0))
                                     .toString(QUuid::WithoutBraces);
    QCOMPARE(column(db, QStringLiteral("AbpEntityChanges"), QStringLiteral("EntityId")),
             QStringList{connectionId});
    const QStringList jobNames =
        column(db, QStringLiteral("AbpBackgroundJobs"), QStringLiteral("JobName"));
    QCOMPARE(jobNames,
             (QStringList{QStringLiteral("EasyCrm.SocialCrm.Jobs.SocialProfileEnrichmentJobArgs"),
                          QStringLiteral("EasyCrm.SocialCrm.Jobs.SocialMentionBackfillJobArgs")}));
    const QStringList args =
        column(db, QStringLiteral("AbpBackgroundJobs"), QStringLiteral("JobArgs"));
    const QString tenant = m_workspace->user().tenantId->toString(QUuid::WithoutBraces);
    for (const QString &json : args) {
        const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
        QCOMPARE(object.value(u"connectionId").toString(), connectionId);
        QCOMPARE(object.value(u"tenantId").toString(), tenant);
        QCOMPARE(object.value(u"providerKey").toString(), QStringLiteral("sandbox"));
    }
    const QJsonObject backfill = QJsonDocument::fromJson(args.value(1).toUtf8()).object();
    const QDateTime from =
        QDateTime::fromString(backfill.value(u"fromTime").toString(), Qt::ISODateWithMs);
    const QDateTime to =
        QDateTime::fromString(backfill.value(u"toTime").toString(), Qt::ISODateWithMs);
    QVERIFY(from.isValid() && to.isValid());
    QCOMPARE(from.secsTo(to), qint64(7 * 24 * 3600));

    // 5. The pending authorization was used once; no security event.
    QCOMPARE(column(db, QStringLiteral("SocialCrmPendingAuthorizations"),
                    QStringLiteral("ConsumedTime"), u"\"ConsumedTime\" IS NOT NULL"_qs)
                 .size(),
             1);
    QCOMPARE(rowCount(db, QStringLiteral("AbpSecurityLogs"), kOAuthEvents), 0);
    const auto statuses = m_service->providerStatuses();
    QVERIFY(statuses.ok());
    QCOMPARE(statuses.value().first().state, ConnectionState::Connected);
}

void TestConnectFlow::denyPersistsNothing()
{
    connectAs(QStringLiteral("alice"), QStringLiteral("deny"));
    QTRY_COMPARE_WITH_TIMEOUT(m_failed->size(), 1, kFlowTimeoutMs);
    const Error error = m_failed->first().at(1).value<Error>();
    QCOMPARE(error.code, ErrorCode::AccessDenied);
    QCOMPARE(error.message, QStringLiteral("Social connection was not authorized. The required "
                                           "scopes are needed for listening and engagement"));
    QVERIFY(m_succeeded->isEmpty());

    Db::Database &db = m_workspace->database();
    QCOMPARE(rowCount(db, QStringLiteral("SocialCrmIntegrationConnections")), 0);
    QCOMPARE(rowCount(db, QStringLiteral("AbpBackgroundJobs")), 0);
    QCOMPARE(rowCount(db, QStringLiteral("AbpAuditLogs")), 0);
    // The pending authorization is consumed: the same state cannot be replayed.
    QCOMPARE(column(db, QStringLiteral("SocialCrmPendingAuthorizations"),
                    QStringLiteral("ConsumedTime"), u"\"ConsumedTime\" IS NULL"_qs)
                 .size(),
             0);
    QCOMPARE(m_sandbox.stats().value(u"token").toInt(), 0);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
}

void TestConnectFlow::tamperedStateIsRefusedBeforeAnyTokenRequest()
{
    connectAs(QStringLiteral("alice"), QStringLiteral("approve"),
              {QStringLiteral("--tamper-state")});
    QTRY_VERIFY_WITH_TIMEOUT(m_browser->finished(), kFlowTimeoutMs);
    QCOMPARE(m_browser->callbackStatus(), 400);

    Db::Database &db = m_workspace->database();
    QCOMPARE(column(db, QStringLiteral("AbpSecurityLogs"), QStringLiteral("Action"), kOAuthEvents),
             QStringList{QStringLiteral("SocialOAuthStateRejected")});
    const QJsonObject extra =
        QJsonDocument::fromJson(column(db, QStringLiteral("AbpSecurityLogs"),
                                       QStringLiteral("ExtraProperties"), kOAuthEvents)
                                    .value(0)
                                    .toUtf8())
            .object();
    QCOMPARE(extra.value(u"reason").toString(), QStringLiteral("Unknown"));
    QCOMPARE(column(db, QStringLiteral("AbpSecurityLogs"), QStringLiteral("ClientIpAddress"),
                    kOAuthEvents),
             QStringList{QStringLiteral("127.0.0.1")});
    const QJsonObject stats = m_sandbox.stats();
    QCOMPARE(stats.value(u"token").toInt(), 0);
    QCOMPARE(rowCount(db, QStringLiteral("SocialCrmIntegrationConnections")), 0);

    // The attempt still waits for a genuine answer; Cancel ends it cleanly.
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    m_service->cancel();
    QCOMPARE(m_failed->size(), 1);
    QCOMPARE(m_failed->first().at(1).value<Error>().code, ErrorCode::Cancelled);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
}

void TestConnectFlow::droppedStateIsRefused()
{
    connectAs(QStringLiteral("alice"), QStringLiteral("approve"), {QStringLiteral("--drop-state")});
    QTRY_VERIFY_WITH_TIMEOUT(m_browser->finished(), kFlowTimeoutMs);
    QCOMPARE(m_browser->callbackStatus(), 400);
    QCOMPARE(m_sandbox.stats().value(u"token").toInt(), 0);
    const QString extra = column(m_workspace->database(), QStringLiteral("AbpSecurityLogs"),
                                 QStringLiteral("ExtraProperties"), kOAuthEvents)
                              .value(0);
    QVERIFY2(extra.contains(u"Missing"), qPrintable(extra));
    m_service->cancel();
}

void TestConnectFlow::secondConnectWhileConnectedIsRefused()
{
    connectAs(QStringLiteral("alice"), QStringLiteral("approve"));
    QTRY_COMPARE_WITH_TIMEOUT(m_succeeded->size(), 1, kFlowTimeoutMs);
    m_service->startConnect(QStringLiteral("sandbox"));
    QCOMPARE(m_failed->size(), 1);
    QCOMPARE(m_failed->first().at(1).value<Error>().code, ErrorCode::AlreadyConnected);
    QCOMPARE(m_browser->openCount(), 1);
    QCOMPARE(rowCount(m_workspace->database(), QStringLiteral("SocialCrmPendingAuthorizations")),
             1);
}

void TestConnectFlow::disconnectRevokesAtTheSandbox()
{
    connectAs(QStringLiteral("bob"), QStringLiteral("approve"));
    QTRY_COMPARE_WITH_TIMEOUT(m_succeeded->size(), 1, kFlowTimeoutMs);
    QSignalSpy finished(m_service.get(), &ConnectionService::disconnectFinished);
    m_service->disconnectProvider(QStringLiteral("sandbox"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kFlowTimeoutMs);
    QVERIFY(!finished.first().at(1).value<Error>().isError());
    QCOMPARE(m_sandbox.stats().value(u"revocation").toInt(), 1);

    Db::Database &db = m_workspace->database();
    const QString connections = QStringLiteral("SocialCrmIntegrationConnections");
    QCOMPARE(column(db, connections, QStringLiteral("Status")), QStringList{QStringLiteral("0")});
    QCOMPARE(column(db, connections, QStringLiteral("Id"),
                    u"\"ProtectedAccessToken\" IS NULL AND \"ProtectedRefreshToken\" IS NULL"_qs)
                 .size(),
             1);
    QCOMPARE(column(db, QStringLiteral("AbpAuditLogActions"), QStringLiteral("MethodName")),
             (QStringList{QStringLiteral("SocialConnectionCreated"),
                          QStringLiteral("SocialConnectionRevoked")}));
    // The revoked refresh token no longer works at the sandbox.
    QCOMPARE(m_sandbox.refreshStatus(m_sandbox.lastExchange().value(u"refreshToken").toString()),
             400);
}

void TestConnectFlow::noSecretReachesLogsOrTheDatabaseFile()
{
    connectAs(QStringLiteral("alice"), QStringLiteral("approve"));
    QTRY_COMPARE_WITH_TIMEOUT(m_succeeded->size(), 1, kFlowTimeoutMs);
    const QJsonObject secrets = m_sandbox.lastExchange();
    m_service.reset();
    m_workspace.reset(); // closes the database, so the file holds everything written

    const QByteArray stored = storedBytes();
    QVERIFY(stored.size() > 4096);
    const QString logs = m_logs->lines().join(u'\n');
    QVERIFY(logs.contains(u"easycrm."));
    for (const QString &name :
         {QStringLiteral("state"), QStringLiteral("code"), QStringLiteral("codeVerifier"),
          QStringLiteral("accessToken"), QStringLiteral("refreshToken")}) {
        const QString secret = secrets.value(name).toString();
        QVERIFY2(secret.size() >= 20, qPrintable(name));
        QVERIFY2(!stored.contains(secret.toUtf8()), qPrintable(name + u" in the database"_qs));
        QVERIFY2(!logs.contains(secret), qPrintable(name + u" in a log line"_qs));
    }
    QVERIFY(!stored.contains("sandbox-secret"));
    QVERIFY(!logs.contains(u"sandbox-secret"));
}

QTEST_GUILESS_MAIN(TestConnectFlow)
#include "tst_connectflow.moc"
