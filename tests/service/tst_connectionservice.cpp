// The connection service's failure paths (DESIGN §2, §4, §8) against a scripted provider on
// loopback. A real server does not answer 503 with HTML, fall silent, send a profile without
// an id or name another issuer; this one does, on request. Each such attempt must end in one
// connectFailed with the right code and a message without secrets, the phase back to Idle,
// the loopback listener closed, and nothing of the connection persisted.
//
//   startConnect("sandbox") ─► service ── authorize URL ──► LoopbackBrowser (browser opener)
//                                 ▲                             │ GET callback?code&state&iss
//                                 └────── loopback listener ◄───┘
//   service ── POST /token, GET /me ──► FakeProvider (the Sandbox configuration's issuer)
#include "core/crypto/dataprotector.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/pendingauthorizationrepository.h"
#include "core/db/providerconfigrepository.h"
#include "core/oauth/pkce.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "tests/service/fakeprovider.h"
#include "tests/service/loopbackbrowser.h"
#include "tests/support/logcapture.h"
#include "tests/support/sandboxworkspace.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <optional>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using namespace std::chrono_literals;

// QVERIFY in a helper returns from the helper only; the test function stops here.
#define RETURN_IF_FAILED()                                                                         \
    do {                                                                                           \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

namespace {

constexpr int kFlowTimeoutMs = 10000;
// A silent endpoint must fail the attempt quickly; long enough for a loaded machine.
constexpr std::chrono::milliseconds kShortNetworkTimeout{300};

// The secrets of the scripted exchange, long enough to look like real ones.
const QByteArray kCode = "SplxlOBeZQQYbYS6WxSbIA.code";
const QByteArray kAccessToken = "2YotnFZFEjr1zCsicMWpAA.access";
const QByteArray kRefreshToken = "tGzv3JOkF0XG5Qx2TlKWIA.refresh";
const QByteArray kClientSecret = "fake-provider-client-secret";

const QString kSandbox = QStringLiteral("sandbox");
const QString kConnections = QStringLiteral("SocialCrmIntegrationConnections");
const QString kPending = QStringLiteral("SocialCrmPendingAuthorizations");
const QString kSecurityLogs = QStringLiteral("AbpSecurityLogs");
const QByteArray kJson = "application/json";

const QByteArray kTokens = R"({"access_token":"{at}","refresh_token":"{rt}",)"
                           R"("token_type":"Bearer","expires_in":3600,)"
                           R"("scope":"openid profile offline_access mentions.read"})";
const QByteArray kProfile =
    R"({"sub":"fake-0001","preferred_username":"fakeuser","name":"Fake User"})";
// What the browser brings back from a provider that approved.
const QByteArray kApproved = "code={code}&state={state}&iss={iss}";

QStringList requestedScopes()
{
    return {QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("offline_access"),
            QStringLiteral("mentions.read")};
}

// {code}, {at} and {rt} stand for the secrets above in scripted bodies and visits.
QByteArray withSecrets(QByteArray text)
{
    return text.replace("{code}", kCode)
        .replace("{at}", kAccessToken)
        .replace("{rt}", kRefreshToken);
}

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
    return int(column(db, table, QStringLiteral("Id"), where).size());
}

// The built-in catalogue, with the Sandbox answering scopes separated by any of `separators`.
std::optional<ProviderCatalogue> sandboxAnswering(const QString &separators)
{
    QFile file(QStringLiteral(EASYCRM_SOURCE_DIR "/resources/providers.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonArray providers = root.value(u"providers").toArray();
    for (QJsonValueRef entry : providers) {
        QJsonObject provider = entry.toObject();
        if (provider.value(u"key").toString() == kSandbox) {
            provider.insert(QStringLiteral("responseScopeSeparators"), separators);
            entry = provider;
        }
    }
    root.insert(QStringLiteral("providers"), providers);
    auto catalogue = ProviderCatalogue::fromJson(QJsonDocument(root).toJson());
    if (!catalogue)
        return {};
    return std::move(catalogue).value();
}

// The raw values of a form body, as sent: name -> values.
QMultiHash<QByteArray, QByteArray> rawForm(const QByteArray &body)
{
    QMultiHash<QByteArray, QByteArray> fields;
    for (const QByteArray &pair : body.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        fields.insert(pair.first(std::max<qsizetype>(equals, 0)), pair.sliced(equals + 1));
    }
    return fields;
}

// How a disconnect's revocation goes wrong: the endpoint answers an error, answers nothing,
// nobody listens at its address, or the stored token cannot be unprotected to be sent.
enum class RevocationFault { Answers, Silent, Unreachable, TokenUnreadable };

} // namespace

Q_DECLARE_METATYPE(RevocationFault)

class TestConnectionService final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void tokenEndpointFailures_data();
    void tokenEndpointFailures();
    void tokenAnswersThatMustSucceed_data();
    void tokenAnswersThatMustSucceed();
    void encodedSlashInTheCodeIsSentEncodedOnce();
    void profileEndpointFailures_data();
    void profileEndpointFailures();
    void callbackErrors_data();
    void callbackErrors();
    void issuerMismatch_data();
    void issuerMismatch();
    void rejectedStateIsASecurityEvent_data();
    void rejectedStateIsASecurityEvent();
    void fixedPortInUse();
    void fixedPortIsHonoured();
    void fixedPortMissingIsAConfigurationError();
    void portPinnedByTheAdminIsHonouredWhereAnyWouldDo();
    void browserNeverComesBack();
    void cancelWhileWaiting();
    void cancelledExchangeDoesNotCompleteTheNextAttempt();
    void secondConnectWhileOneRunsIsBusy();
    void expiringConnectionIsReconnectedInPlace();
    void disconnectWhenRevocationFails_data();
    void disconnectWhenRevocationFails();
    void faviconBeforeTheCallback();
    void neverBlocksTheEventLoop();

private:
    Db::Database &db() { return m_workspace->database(); }
    void makeService(const ProviderCatalogue &catalogue);
    void connectSandbox(const QList<QByteArray> &visits);
    void setNetworkTimeout(std::chrono::milliseconds timeout);
    void configureX(quint16 redirectPort);
    void breakRevocation(RevocationFault fault, const FakeProvider::Reply &reply);
    [[nodiscard]] Db::IntegrationConnection ownConnection();
    [[nodiscard]] QList<Db::ConnectionHistoryEntry> historyOf(const QUuid &connectionId);
    void startXOnAFreePort();
    Error failure() const;
    void awaitOutcome(int outcomes = 1);

    void verifyFailedWith(ErrorCode code, const QString &providerKey = kSandbox);
    void verifyNoSecretLeaked(const Error &error);
    void verifyListenerClosed();
    void verifyNothingPersisted();
    void verifyPendingConsumed();

    std::unique_ptr<LogCapture> m_logs;
    qsizetype m_logStart = 0;
    QTemporaryDir m_dir;
    ManualClock m_clock{QDateTime::currentDateTimeUtc()};
    std::unique_ptr<FakeProvider> m_provider;
    std::unique_ptr<LoopbackBrowser> m_browser;
    std::optional<PostgresCrm> m_crm; // under with-postgres.sh
    std::unique_ptr<Workspace> m_workspace;
    std::optional<ProviderCatalogue> m_catalogue; // a variant of the built-in one
    std::unique_ptr<ConnectionService> m_service;
    ConnectionService::Settings m_settings;
    std::unique_ptr<QSignalSpy> m_succeeded;
    std::unique_ptr<QSignalSpy> m_failed;
    QList<FlowPhase> m_phases;
    int m_run = 0;
};

void TestConnectionService::initTestCase()
{
    // After QTest installed its own handler, so every line passes through both.
    m_logs = std::make_unique<LogCapture>();
    QVERIFY(m_dir.isValid());
}

void TestConnectionService::init()
{
    m_logStart = m_logs->lines().size();
    // Whole seconds, so stored times compare exactly whatever the driver's precision.
    m_clock.set(QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC));
    m_provider = std::make_unique<FakeProvider>();
    QVERIFY(m_provider->listen());
    m_provider->script("/token", {200, withSecrets(kTokens)});
    m_provider->script("/me", {200, kProfile});

    SandboxRegistration registration;
    registration.issuer = m_provider->issuer();
    registration.clientSecret = kClientSecret;
    const QString path = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    auto workspace = openSandboxWorkspace(path, QStringLiteral("connectionservice_%1").arg(m_run),
                                          m_clock, registration, m_crm);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    // Opening a CRM server's database signs in, a security-log row of its own; the tests count
    // the rows the flow writes.
    if (m_crm)
        QVERIFY(QSqlQuery(db().handle()).exec(u"DELETE FROM \""_qs + kSecurityLogs + u"\""_qs));

    m_browser = std::make_unique<LoopbackBrowser>();
    m_browser->setIssuer(m_provider->issuer());
    makeService(ProviderCatalogue::builtIn());
}

void TestConnectionService::makeService(const ProviderCatalogue &catalogue)
{
    m_succeeded.reset();
    m_failed.reset();
    m_service = std::make_unique<ConnectionService>(
        m_workspace->database(), m_workspace->protector(), catalogue, m_workspace->user(), m_clock);
    m_service->setBrowserOpener(m_browser->opener());
    m_settings = ConnectionService::Settings();
    m_service->setSettings(m_settings);
    m_succeeded =
        std::make_unique<QSignalSpy>(m_service.get(), &ConnectionService::connectSucceeded);
    m_failed = std::make_unique<QSignalSpy>(m_service.get(), &ConnectionService::connectFailed);
    m_phases.clear();
    connect(m_service.get(), &ConnectionService::phaseChanged, this,
            [this](FlowPhase phase) { m_phases.append(phase); });
}

void TestConnectionService::cleanup()
{
    m_succeeded.reset();
    m_failed.reset();
    m_service.reset();
    m_browser.reset();
    m_workspace.reset();
    m_provider.reset();
    m_catalogue.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

void TestConnectionService::connectSandbox(const QList<QByteArray> &visits)
{
    QList<QByteArray> scripted;
    for (const QByteArray &visit : visits)
        scripted << withSecrets(visit);
    m_browser->setVisits(scripted);
    m_service->startConnect(kSandbox);
}

void TestConnectionService::setNetworkTimeout(std::chrono::milliseconds timeout)
{
    m_settings.networkTimeout = timeout;
    m_service->setSettings(m_settings);
}

// X registers a fixed loopback port (DESIGN §7); here its endpoints are the fake provider's.
// The embedded database lists X unconfigured; a production one has no row until an admin saves.
void TestConnectionService::configureX(quint16 redirectPort)
{
    Db::ProviderConfigRepository configs(db());
    auto found = configs.find(m_workspace->user().tenantId, QStringLiteral("x"));
    QVERIFY(found.ok());
    Db::ProviderConfig config = found.value().value_or(Db::ProviderConfig{});
    if (!found.value()) {
        config.id = QUuid::createUuid();
        config.tenantId = m_workspace->user().tenantId;
        config.providerKey = QStringLiteral("x");
        config.enabledScopes = ProviderCatalogue::builtIn().find(u"x"_qs)->defaultScopes;
        config.creationTime = m_clock.nowUtc();
    }
    const QString base = m_provider->issuer().toString(QUrl::FullyEncoded);
    config.isEnabled = true;
    config.clientId = QStringLiteral("x-client");
    config.authorizeEndpoint = base + u"/i/oauth2/authorize"_qs;
    config.tokenEndpoint = base + u"/token"_qs;
    config.profileEndpoint = base + u"/me"_qs;
    config.redirectPort = redirectPort;
    config.lastModificationTime = m_clock.nowUtc();
    QVERIFY(configs.upsert(config).ok());
}

// The revocation endpoint fails the way `fault` says; `reply` is its answer where it answers.
void TestConnectionService::breakRevocation(RevocationFault fault, const FakeProvider::Reply &reply)
{
    switch (fault) {
    case RevocationFault::Answers:
    case RevocationFault::Silent:
        m_provider->script("/token/revocation", reply);
        if (reply.silent)
            setNetworkTimeout(kShortNetworkTimeout);
        return;
    case RevocationFault::Unreachable: {
        // A port that was just free: nothing listens there, the connection is refused.
        QTcpServer vacated;
        QVERIFY(vacated.listen(QHostAddress::LocalHost));
        const quint16 port = vacated.serverPort();
        vacated.close();
        Db::ProviderConfigRepository configs(db());
        auto found = configs.find(m_workspace->user().tenantId, kSandbox);
        QVERIFY(found.ok() && found.value());
        Db::ProviderConfig config = *found.value();
        config.revocationEndpoint =
            QStringLiteral("http://127.0.0.1:%1/token/revocation").arg(port);
        config.lastModificationTime = m_clock.nowUtc();
        QVERIFY(configs.upsert(config).ok());
        return;
    }
    case RevocationFault::TokenUnreadable: {
        // One character of the MAC changed, as a damaged or tampered row would hold it.
        QString damaged = ownConnection().protectedRefreshToken;
        QVERIFY(damaged.size() > 20);
        const qsizetype at = damaged.size() - 10;
        damaged[at] = damaged.at(at) == u'A' ? u'B' : u'A';
        QSqlQuery update(db().handle());
        update.prepare(u"UPDATE \""_qs + kConnections +
                       u"\" SET \"ProtectedRefreshToken\" = :Damaged"_qs);
        update.bindValue(QStringLiteral(":Damaged"), damaged);
        QVERIFY(update.exec());
        return;
    }
    }
}

Db::IntegrationConnection TestConnectionService::ownConnection()
{
    const SessionUser &user = m_workspace->user();
    auto found = Db::ConnectionRepository(db()).findForUser(user.tenantId, user.userId, kSandbox);
    return found && found.value() ? *found.value() : Db::IntegrationConnection{};
}

QList<Db::ConnectionHistoryEntry> TestConnectionService::historyOf(const QUuid &connectionId)
{
    auto entries = Db::ConnectionHistoryRepository(db()).listForConnection(connectionId);
    return entries ? entries.value() : QList<Db::ConnectionHistoryEntry>{};
}

// An attempt at X, on a fixed port nothing else holds, waiting for the browser.
void TestConnectionService::startXOnAFreePort()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    configureX(port);
    RETURN_IF_FAILED();
    m_browser->setVisits({});
    m_service->startConnect(QStringLiteral("x"));
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
}

Error TestConnectionService::failure() const
{
    return m_failed->isEmpty() ? Error() : m_failed->last().at(1).value<Error>();
}

void TestConnectionService::awaitOutcome(int outcomes)
{
    QTRY_COMPARE_WITH_TIMEOUT(m_succeeded->size() + m_failed->size(), outcomes, kFlowTimeoutMs);
}

// The common end of every failed attempt: one clear outcome and nothing left behind.
void TestConnectionService::verifyFailedWith(ErrorCode code, const QString &providerKey)
{
    awaitOutcome();
    RETURN_IF_FAILED();
    QCOMPARE(m_succeeded->size(), 0);
    const Error error = failure();
    QVERIFY2(error.code == code,
             qPrintable(u"got "_qs + errorCodeName(error.code) + u", "_qs + error.detail));
    QCOMPARE(m_failed->last().at(0).toString(), providerKey);
    QVERIFY(!error.message.isEmpty());
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
    QVERIFY(!m_phases.isEmpty());
    QCOMPARE(m_phases.last(), FlowPhase::Idle);
    verifyNoSecretLeaked(error);
    RETURN_IF_FAILED();
    verifyListenerClosed();
    RETURN_IF_FAILED();
    verifyNothingPersisted();
}

// DESIGN §8: no token, code, verifier, state or secret in an error or a log line.
void TestConnectionService::verifyNoSecretLeaked(const Error &error)
{
    QList<QByteArray> secrets{kCode, kAccessToken, kRefreshToken, kClientSecret,
                              m_browser->state()};
    for (const FakeProvider::Request &request : m_provider->requestsTo("/token"))
        secrets << rawForm(request.body).value("code_verifier");
    const QString logs = m_logs->lines().mid(m_logStart).join(u'\n');
    for (const QByteArray &secret : std::as_const(secrets)) {
        if (secret.isEmpty())
            continue;
        for (const QString &form :
             {QString::fromLatin1(secret),
              QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(secret)))}) {
            QVERIFY2(!error.message.contains(form), "a secret in the error message");
            QVERIFY2(!error.detail.contains(form), "a secret in the error detail");
            QVERIFY2(!error.providerError.contains(form), "a secret in the provider error");
            QVERIFY2(!logs.contains(form), "a secret in a log line");
        }
    }
}

// The redirect port refuses connections: nobody listens for a late or forged callback.
void TestConnectionService::verifyListenerClosed()
{
    const int port = m_browser->redirectUri().port();
    QVERIFY2(port > 0, "the browser never saw a redirect URI");
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, quint16(port));
    QTRY_COMPARE(probe.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(probe.error(), QAbstractSocket::ConnectionRefusedError);
}

// DESIGN §6: a failed flow leaves no partial connection, no orphan job, no audit entry.
void TestConnectionService::verifyNothingPersisted()
{
    for (const QString &table :
         {kConnections, QStringLiteral("AbpBackgroundJobs"), QStringLiteral("AbpAuditLogs"),
          QStringLiteral("AbpAuditLogActions"), QStringLiteral("AbpEntityChanges"),
          QStringLiteral("SocialCrmConnectionHistory")}) {
        QVERIFY2(rowCount(db(), table) == 0, qPrintable(table + u" has rows"_qs));
    }
}

// The state came back and was used up: the same callback cannot be replayed.
void TestConnectionService::verifyPendingConsumed()
{
    QCOMPARE(rowCount(db(), kPending), 1);
    QCOMPARE(rowCount(db(), kPending, u"\"ConsumedTime\" IS NOT NULL"_qs), 1);
}

void TestConnectionService::tokenEndpointFailures_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("silent");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("providerError");

    QTest::newRow("400-invalid_grant-echoing-the-code")
        << 400 << kJson
        << QByteArray(R"({"error":"invalid_grant","error_description":"Code {code} was used"})")
        << false << ErrorCode::HttpError << QStringLiteral("invalid_grant");
    QTest::newRow("401-empty") << 401 << kJson << QByteArray() << false << ErrorCode::HttpError
                               << QString();
    QTest::newRow("500") << 500 << kJson << QByteArray(R"({"error":"server_error"})") << false
                         << ErrorCode::HttpError << QStringLiteral("server_error");
    QTest::newRow("503-html") << 503 << QByteArray("text/html")
                              << QByteArray(
                                     "<html><body><h1>Service Unavailable</h1></body></html>")
                              << false << ErrorCode::HttpError << QString();
    QTest::newRow("200-error-server_error")
        << 200 << kJson << QByteArray(R"({"error":"server_error","error_description":"Later"})")
        << false << ErrorCode::ErrorResponse << QStringLiteral("server_error");
    QTest::newRow("200-non-json") << 200 << QByteArray("text/plain")
                                  << QByteArray("access_token={at}&token_type=bearer") << false
                                  << ErrorCode::MalformedResponse << QString();
    QTest::newRow("200-json-array") << 200 << kJson << QByteArray(R"([{"access_token":"{at}"}])")
                                    << false << ErrorCode::MalformedResponse << QString();
    QTest::newRow("200-without-access_token")
        << 200 << kJson << QByteArray(R"({"token_type":"Bearer","refresh_token":"{rt}"})") << false
        << ErrorCode::MissingAccessToken << QString();
    QTest::newRow("never-answering")
        << 200 << kJson << QByteArray() << true << ErrorCode::Timeout << QString();
}

void TestConnectionService::tokenEndpointFailures()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(bool, silent);
    QFETCH(ErrorCode, code);
    QFETCH(QString, providerError);

    m_provider->script("/token", {status, withSecrets(body), contentType, 0, silent});
    if (silent)
        setNetworkTimeout(kShortNetworkTimeout);
    connectSandbox({kApproved});
    verifyFailedWith(code);
    RETURN_IF_FAILED();

    QCOMPARE(failure().providerError, providerError);
    if (code == ErrorCode::HttpError)
        QCOMPARE(failure().httpStatus, status);
    QCOMPARE(m_provider->count("/token"), 1);
    QCOMPARE(m_provider->count("/me"), 0);
    QTRY_COMPARE(m_browser->statuses(), QList<int>{200});
    verifyPendingConsumed();
}

void TestConnectionService::tokenAnswersThatMustSucceed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("expiresIn");        // -1: no expiry stored
    QTest::addColumn<qint64>("refreshExpiresIn"); // -1: no expiry stored
    QTest::addColumn<QStringList>("granted");
    QTest::addColumn<bool>("refreshStored");
    QTest::addColumn<QString>("separators"); // the catalogue's; empty: the built-in Sandbox's

    QTest::newRow("expires_in-as-string")
        << QByteArray(R"({"access_token":"{at}","refresh_token":"{rt}","expires_in":"3600",)"
                      R"("scope":"openid profile offline_access mentions.read"})")
        << qint64(3600) << qint64(-1) << requestedScopes() << true << QString();
    // The catalogue says how a provider separates scopes (DESIGN §7); the Sandbox's entry says
    // spaces, so this is the Sandbox declared to answer like LinkedIn.
    QTest::newRow("scope-comma-separated")
        << QByteArray(R"({"access_token":"{at}","refresh_token":"{rt}","expires_in":3600,)"
                      R"("scope":"openid,profile"})")
        << qint64(3600) << qint64(-1)
        << QStringList{QStringLiteral("openid"), QStringLiteral("profile")} << true
        << QStringLiteral(", ");
    // RFC 6749 §5.1: an omitted scope means the requested scope was granted.
    QTest::newRow("scope-omitted")
        << QByteArray(R"({"access_token":"{at}","refresh_token":"{rt}","expires_in":3600})")
        << qint64(3600) << qint64(-1) << requestedScopes() << true << QString();
    QTest::newRow("no-refresh_token")
        << QByteArray(R"({"access_token":"{at}","expires_in":3600,"scope":"openid profile"})")
        << qint64(3600) << qint64(-1)
        << QStringList{QStringLiteral("openid"), QStringLiteral("profile")} << false << QString();
    QTest::newRow("no-expires_in")
        << QByteArray(R"({"access_token":"{at}","refresh_token":"{rt}"})") << qint64(-1)
        << qint64(-1) << requestedScopes() << true << QString();
    // LinkedIn: refresh tokens with a fixed lifetime, announced with the first answer.
    QTest::newRow("refresh_token_expires_in")
        << QByteArray(R"({"access_token":"{at}","refresh_token":"{rt}","expires_in":3600,)"
                      R"("refresh_token_expires_in":31536000})")
        << qint64(3600) << qint64(31536000) << requestedScopes() << true << QString();
}

void TestConnectionService::tokenAnswersThatMustSucceed()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, expiresIn);
    QFETCH(qint64, refreshExpiresIn);
    QFETCH(QStringList, granted);
    QFETCH(bool, refreshStored);
    QFETCH(QString, separators);

    if (!separators.isEmpty()) {
        m_catalogue = sandboxAnswering(separators);
        QVERIFY(m_catalogue);
        makeService(*m_catalogue);
    }
    m_provider->script("/token", {200, withSecrets(body)});
    connectSandbox({kApproved});
    awaitOutcome();
    RETURN_IF_FAILED();
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    QCOMPARE(m_succeeded->first().at(1).toString(), QStringLiteral("fakeuser"));

    const SessionUser &user = m_workspace->user();
    auto found = Db::ConnectionRepository(db()).findForUser(user.tenantId, user.userId, kSandbox);
    QVERIFY(found.ok() && found.value());
    const Db::IntegrationConnection row = *found.value();
    QCOMPARE(row.status, Db::ConnectionStatus::Connected);
    QCOMPARE(row.externalUserId, QStringLiteral("fake-0001"));
    QCOMPARE(row.externalDisplayName, QStringLiteral("Fake User"));
    QCOMPARE(row.grantedScopes, granted);
    const auto access = m_workspace->protector().unprotect(row.protectedAccessToken);
    QVERIFY(access.ok());
    QCOMPARE(access.value(), kAccessToken);

    const QDateTime now = m_clock.nowUtc();
    QCOMPARE(row.accessTokenExpiresAt.isValid() ? now.secsTo(row.accessTokenExpiresAt) : -1,
             expiresIn);
    QCOMPARE(row.refreshTokenExpiresAt.isValid() ? now.secsTo(row.refreshTokenExpiresAt) : -1,
             refreshExpiresIn);
    if (refreshStored) {
        const auto refresh = m_workspace->protector().unprotect(row.protectedRefreshToken);
        QVERIFY(refresh.ok());
        QCOMPARE(refresh.value(), kRefreshToken);
    } else {
        // Nothing, not a protected empty string the refresher would try to use.
        QCOMPARE(rowCount(db(), kConnections, u"\"ProtectedRefreshToken\" IS NULL"_qs), 1);
    }

    QCOMPARE(rowCount(db(), QStringLiteral("AbpBackgroundJobs")), 2);
    QCOMPARE(column(db(), QStringLiteral("AbpAuditLogActions"), QStringLiteral("MethodName")),
             QStringList{QStringLiteral("SocialConnectionCreated")});
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
    verifyPendingConsumed();
    verifyListenerClosed();
    verifyNoSecretLeaked(Error());
}

// Google sends codes like "4/0Ab…"; the redirect carries them as 4%2F…. Qt 6.4's flow sends
// code=4%252F… (DESIGN §4); the token endpoint must see the code encoded exactly once.
void TestConnectionService::encodedSlashInTheCodeIsSentEncodedOnce()
{
    connectSandbox({"code=4%2Fabc&state={state}&iss={iss}"});
    awaitOutcome();
    RETURN_IF_FAILED();
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    // The risky input reached the listener as the provider would send it.
    QVERIFY(m_browser->visited().value(0).contains("?code=4%2Fabc&"));

    const QList<FakeProvider::Request> exchanges = m_provider->requestsTo("/token");
    QCOMPARE(exchanges.size(), 1);
    const QByteArray body = exchanges.first().body;
    const QMultiHash<QByteArray, QByteArray> form = rawForm(body);
    QCOMPARE(form.values("code"), QList<QByteArray>{"4%2Fabc"});
    QVERIFY2(!body.contains("%25"), body.constData());

    // The rest of RFC 6749 §4.1.3 with RFC 7636 §4.5, against the authorize request.
    const QUrlQuery authorize(m_browser->authorizeUrl());
    QCOMPARE(form.value("grant_type"), QByteArray("authorization_code"));
    QCOMPARE(QByteArray::fromPercentEncoding(form.value("redirect_uri")),
             authorize.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded).toUtf8());
    const QByteArray verifier = form.value("code_verifier");
    QVERIFY(verifier.size() >= 43 && verifier.size() <= 128);
    const QByteArray challenge =
        QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QCOMPARE(authorize.queryItemValue(QStringLiteral("code_challenge")).toLatin1(), challenge);
}

void TestConnectionService::profileEndpointFailures_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("silent");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("500") << 500 << kJson << QByteArray(R"({"error":"server_error"})") << false
                         << ErrorCode::HttpError;
    QTest::newRow("401-invalid_token") << 401 << kJson << QByteArray(R"({"error":"invalid_token"})")
                                       << false << ErrorCode::HttpError;
    QTest::newRow("never-answering") << 200 << kJson << QByteArray() << true << ErrorCode::Timeout;
    QTest::newRow("json-without-id")
        << 200 << kJson << QByteArray(R"({"preferred_username":"fakeuser","name":"Fake User"})")
        << false << ErrorCode::ProfileMissingId;
    QTest::newRow("non-json") << 200 << QByteArray("text/html")
                              << QByteArray("<html><body>fakeuser</body></html>") << false
                              << ErrorCode::MalformedResponse;
}

void TestConnectionService::profileEndpointFailures()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(bool, silent);
    QFETCH(ErrorCode, code);

    m_provider->script("/me", {status, body, contentType, 0, silent});
    if (silent)
        setNetworkTimeout(kShortNetworkTimeout);
    connectSandbox({kApproved});
    verifyFailedWith(code);
    RETURN_IF_FAILED();

    QCOMPARE(m_provider->count("/token"), 1);
    const QList<FakeProvider::Request> profiles = m_provider->requestsTo("/me");
    QCOMPARE(profiles.size(), 1);
    QVERIFY(profiles.first().head.contains(
        QByteArray("\r\nAuthorization: Bearer " + kAccessToken + "\r\n")));
    verifyPendingConsumed();
}

void TestConnectionService::callbackErrors_data()
{
    QTest::addColumn<QByteArray>("visit");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message"); // empty: any clear message
    QTest::addColumn<int>("securityLogs");

    QTest::newRow("access_denied-with-description")
        << QByteArray("error=access_denied&error_description=The+user+said+no&state={state}"
                      "&iss={iss}")
        << ErrorCode::AccessDenied
        << QStringLiteral("Social connection was not authorized. The required scopes are needed "
                          "for listening and engagement")
        << 0;
    QTest::newRow("server_error") << QByteArray("error=server_error&state={state}&iss={iss}")
                                  << ErrorCode::AuthorizationError << QString() << 0;
    // RFC 9207 §2: error responses carry `iss` too, and a foreign one is a mix-up.
    QTest::newRow("access_denied-from-another-issuer")
        << QByteArray("error=access_denied&state={state}&iss=https%3A%2F%2Fidp.example")
        << ErrorCode::IssuerMismatch << QString() << 1;
}

void TestConnectionService::callbackErrors()
{
    QFETCH(QByteArray, visit);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    QFETCH(int, securityLogs);

    connectSandbox({visit});
    verifyFailedWith(code);
    RETURN_IF_FAILED();
    if (!message.isEmpty())
        QCOMPARE(failure().message, message);
    if (code == ErrorCode::AuthorizationError)
        QCOMPARE(failure().providerError, QStringLiteral("server_error"));
    QCOMPARE(m_provider->count("/token"), 0);
    QTRY_COMPARE(m_browser->statuses(), QList<int>{200});
    QCOMPARE(rowCount(db(), kSecurityLogs), securityLogs);
    verifyPendingConsumed();
}

void TestConnectionService::issuerMismatch_data()
{
    QTest::addColumn<QByteArray>("visit");

    QTest::newRow("iss-missing") << QByteArray("code={code}&state={state}");
    QTest::newRow("iss-of-another-server")
        << QByteArray("code={code}&state={state}&iss=https%3A%2F%2Fidp.example");
    // RFC 9207 §2.4: compared as strings (RFC 3986 §6.2.1), no normalisation.
    QTest::newRow("iss-with-trailing-slash")
        << QByteArray("code={code}&state={state}&iss={iss}%2F");
}

// The Sandbox sends `iss` (RFC 9207): a response without it, or naming another server, is
// refused before its code is spent at the token endpoint, and logged as a security event.
void TestConnectionService::issuerMismatch()
{
    QFETCH(QByteArray, visit);

    connectSandbox({visit});
    verifyFailedWith(ErrorCode::IssuerMismatch);
    RETURN_IF_FAILED();
    QCOMPARE(m_provider->count("/token"), 0);
    QCOMPARE(column(db(), kSecurityLogs, QStringLiteral("Action")),
             QStringList{QStringLiteral("SocialOAuthIssuerMismatch")});
    const QJsonObject extra =
        QJsonDocument::fromJson(
            column(db(), kSecurityLogs, QStringLiteral("ExtraProperties")).value(0).toUtf8())
            .object();
    QCOMPARE(extra.value(u"reason").toString(), QStringLiteral("IssuerMismatch"));
    QCOMPARE(extra.value(u"provider").toString(), kSandbox);
    verifyPendingConsumed();
}

void TestConnectionService::rejectedStateIsASecurityEvent_data()
{
    QTest::addColumn<QString>("before");   // what happened before the callback arrives
    QTest::addColumn<QByteArray>("visit"); // {earlier}: the state of a flow completed before
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("provider"); // the attempt that was waiting

    QTest::newRow("state-missing") << QString() << QByteArray("code={code}&iss={iss}")
                                   << QStringLiteral("Missing") << kSandbox;
    QTest::newRow("state-unknown")
        << QString()
        << QByteArray("code={code}&state=c3RhdGUtdGhpcy1hcHAtbmV2ZXItaXNzdWVkLi4u&iss={iss}")
        << QStringLiteral("Unknown") << kSandbox;
    QTest::newRow("state-expired")
        << QStringLiteral("lifetime-over") << kApproved << QStringLiteral("Expired") << kSandbox;
    QTest::newRow("state-reused") << QStringLiteral("earlier-flow-completed")
                                  << QByteArray("code={code}&state={earlier}&iss={iss}")
                                  << QStringLiteral("AlreadyUsed") << QStringLiteral("x");
}

// DESIGN §2 and §8: a callback with a missing, unknown, expired or reused state gets HTTP 400
// and one AbpSecurityLogs row with the reason, its code is never spent at the token endpoint,
// the row holds no state, and the attempt goes on waiting for the genuine answer.
void TestConnectionService::rejectedStateIsASecurityEvent()
{
    QFETCH(QString, before);
    QFETCH(QByteArray, visit);
    QFETCH(QString, reason);
    QFETCH(QString, provider);

    // 1. An attempt waits for the browser.
    QByteArray earlier;
    if (before == u"earlier-flow-completed") {
        connectSandbox({kApproved});
        awaitOutcome();
        RETURN_IF_FAILED();
        QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
        earlier = m_browser->state();
        startXOnAFreePort();
    } else {
        connectSandbox({});
    }
    RETURN_IF_FAILED();
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    if (before == u"lifetime-over")
        m_clock.advance(m_settings.pendingLifetime.count() + 1);
    const int tokenRequests = m_provider->count("/token");
    const int securityLogs = rowCount(db(), kSecurityLogs);
    const qsizetype visits = m_browser->statuses().size();

    // 2. The callback in question.
    m_browser->visit(withSecrets(visit.replace("{earlier}", earlier)));
    QTRY_COMPARE_WITH_TIMEOUT(m_browser->statuses().size(), visits + 1, kFlowTimeoutMs);
    QCOMPARE(m_browser->statuses().last(), 400);

    // 3. One security event with its reason and nothing secret; no token request.
    QCOMPARE(rowCount(db(), kSecurityLogs), securityLogs + 1);
    QCOMPARE(column(db(), kSecurityLogs, QStringLiteral("Action")),
             QStringList{QStringLiteral("SocialOAuthStateRejected")});
    const QJsonObject extra =
        QJsonDocument::fromJson(
            column(db(), kSecurityLogs, QStringLiteral("ExtraProperties")).value(0).toUtf8())
            .object();
    QCOMPARE(extra.value(u"reason").toString(), reason);
    QCOMPARE(extra.value(u"provider").toString(), provider);
    QCOMPARE(column(db(), kSecurityLogs, QStringLiteral("ClientIpAddress")),
             QStringList{QStringLiteral("127.0.0.1")});
    QCOMPARE(m_provider->count("/token"), tokenRequests);
    QSqlQuery row(db().handle());
    QVERIFY(row.exec(u"SELECT * FROM \""_qs + kSecurityLogs + u"\""_qs) && row.next());
    QString stored;
    for (int i = 0; i < row.record().count(); ++i)
        stored += row.value(i).toString() + u'\n';
    for (const QByteArray &secret : {m_browser->state(), earlier, kCode}) {
        if (secret.isEmpty())
            continue;
        QVERIFY2(!stored.contains(QString::fromLatin1(secret)), "a state or code in the row");
        QVERIFY2(!stored.contains(QString::fromLatin1(secret.toPercentEncoding())),
                 "a state or code in the row");
    }
    verifyNoSecretLeaked({});
    RETURN_IF_FAILED();

    // 4. Still waiting for the genuine answer; Cancel ends it.
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QCOMPARE(m_failed->size(), 0);
    m_service->cancel();
    QCOMPARE(failure().code, ErrorCode::Cancelled);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
}

void TestConnectionService::fixedPortInUse()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost));
    configureX(occupant.serverPort());
    RETURN_IF_FAILED();

    m_service->startConnect(QStringLiteral("x"));
    QCOMPARE(m_failed->size(), 1);
    const Error error = failure();
    QCOMPARE(error.code, ErrorCode::PortInUse);
    QVERIFY2(error.message.contains(QString::number(occupant.serverPort())),
             qPrintable(error.message));
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
    QCOMPARE(m_browser->openCount(), 0);
    QCOMPARE(rowCount(db(), kPending), 0);
    QVERIFY(occupant.isListening());
    verifyNothingPersisted();
}

void TestConnectionService::fixedPortIsHonoured()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    configureX(port);
    RETURN_IF_FAILED();

    m_service->startConnect(QStringLiteral("x"));
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QCOMPARE(m_browser->redirectUri().port(), int(port));
    QCOMPARE(m_browser->redirectUri().host(), QStringLiteral("127.0.0.1"));
    m_service->cancel();
    verifyFailedWith(ErrorCode::Cancelled, QStringLiteral("x"));
}

void TestConnectionService::fixedPortMissingIsAConfigurationError()
{
    configureX(0);
    RETURN_IF_FAILED();

    m_service->startConnect(QStringLiteral("x"));
    QCOMPARE(m_failed->size(), 1);
    QCOMPARE(failure().code, ErrorCode::ProviderNotConfigured);
    QVERIFY2(failure().message.contains(u"fixed redirect port"), qPrintable(failure().message));
    QCOMPARE(m_browser->openCount(), 0);
    QCOMPARE(rowCount(db(), kPending), 0);
    verifyNothingPersisted();
}

void TestConnectionService::portPinnedByTheAdminIsHonouredWhereAnyWouldDo()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    Db::ProviderConfigRepository configs(db());
    Db::ProviderConfig config = *configs.find(m_workspace->user().tenantId, kSandbox).value();
    config.redirectPort = port;
    config.lastModificationTime = m_clock.nowUtc();
    QVERIFY(configs.upsert(config).ok());

    m_service->startConnect(kSandbox);
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    QCOMPARE(m_browser->redirectUri().port(), int(port));
    m_service->cancel();
    verifyFailedWith(ErrorCode::Cancelled);
}

void TestConnectionService::browserNeverComesBack()
{
    m_settings.pendingLifetime = 1s;
    m_service->setSettings(m_settings);
    QElapsedTimer waited;
    waited.start();
    connectSandbox({});
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    verifyFailedWith(ErrorCode::BrowserTimedOut);
    RETURN_IF_FAILED();
    QVERIFY2(waited.elapsed() >= 900, qPrintable(QString::number(waited.elapsed())));
    QCOMPARE(m_provider->count("/token"), 0);

    // Never used, and no longer usable: it expired with the attempt.
    QCOMPARE(rowCount(db(), kPending, u"\"ConsumedTime\" IS NULL"_qs), 1);
    QSqlQuery times(db().handle());
    QVERIFY(times.exec(u"SELECT \"CreationTime\", \"ExpiresAt\" FROM \""_qs + kPending + u"\""_qs));
    QVERIFY(times.next());
    const QDateTime created = db().readTimestamp(times.value(0));
    QCOMPARE(created.secsTo(db().readTimestamp(times.value(1))), qint64(1));
    m_clock.advance(1);
    const auto late = Db::PendingAuthorizationRepository(db()).consume(
        QString::fromLatin1(OAuth::stateHash(m_browser->state())), m_clock.nowUtc());
    QVERIFY(!late.ok());
    QCOMPARE(late.error().code, ErrorCode::Expired);
}

void TestConnectionService::cancelWhileWaiting()
{
    connectSandbox({});
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    m_service->cancel();
    QCOMPARE(m_failed->size(), 1); // at once, not later from the event loop
    verifyFailedWith(ErrorCode::Cancelled);
    RETURN_IF_FAILED();
    QCOMPARE(m_provider->count("/token"), 0);
    // Withdrawn, like a denied one: its state can no longer be redeemed.
    QCOMPARE(rowCount(db(), kPending), 1);
    QCOMPARE(rowCount(db(), kPending, u"\"ConsumedTime\" IS NOT NULL"_qs), 1);
    m_service->cancel(); // nothing runs: nothing to report
    QCOMPARE(m_failed->size(), 1);
}

// Cancel means cancelled: the answer to an exchange already sent must not complete the next
// attempt, which the person has not finished yet (and may finish as another account).
void TestConnectionService::cancelledExchangeDoesNotCompleteTheNextAttempt()
{
    // 1. The token endpoint holds its answer; the person cancels meanwhile.
    m_provider->script("/token", {200, withSecrets(kTokens), kJson, 1000});
    connectSandbox({kApproved});
    QTRY_COMPARE_WITH_TIMEOUT(m_provider->count("/token"), 1, kFlowTimeoutMs);
    QCOMPARE(m_service->phase(), FlowPhase::Exchanging);
    m_service->cancel();
    QCOMPARE(failure().code, ErrorCode::Cancelled);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);

    // 2. A new attempt at once; the cancelled exchange's answer arrives while it waits.
    const QByteArray secondToken = "second-attempt-access-token.xyz";
    m_provider->script("/token", {200, QByteArray(kTokens).replace("{at}", secondToken)});
    QSignalSpy answered(m_provider.get(), &FakeProvider::answered);
    connectSandbox({});
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, kFlowTimeoutMs);

    // 3. Only now does the person finish the second attempt.
    m_browser->visit(withSecrets(kApproved));
    awaitOutcome(2);
    RETURN_IF_FAILED();
    QCOMPARE(m_succeeded->size(), 1);
    QCOMPARE(m_browser->statuses(), (QList<int>{200, 200}));
    const QList<FakeProvider::Request> profiles = m_provider->requestsTo("/me");
    QCOMPARE(profiles.size(), 1);
    QVERIFY(profiles.first().head.contains(QByteArray("Bearer " + secondToken)));
    const QString stored =
        column(db(), kConnections, QStringLiteral("ProtectedAccessToken")).value(0);
    const auto access = m_workspace->protector().unprotect(stored);
    QVERIFY(access.ok());
    QCOMPARE(access.value(), secondToken);
}

void TestConnectionService::secondConnectWhileOneRunsIsBusy()
{
    connectSandbox({});
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    m_service->startConnect(kSandbox);
    QCOMPARE(m_failed->size(), 1);
    QCOMPARE(failure().code, ErrorCode::Busy);
    verifyNoSecretLeaked(failure());

    // The running attempt is untouched: one browser, one pending authorization, same listener.
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QCOMPARE(m_browser->openCount(), 1);
    QCOMPARE(rowCount(db(), kPending), 1);
    m_browser->visit(withSecrets(kApproved));
    awaitOutcome(2);
    RETURN_IF_FAILED();
    QCOMPARE(m_succeeded->size(), 1);
    QCOMPARE(m_failed->size(), 1);
    QCOMPARE(rowCount(db(), kConnections), 1);
}

// Granted without offline_access, nothing renews the access token: from its warning time
// the connection may be reconnected early, on the same row; before then it is connected.
void TestConnectionService::expiringConnectionIsReconnectedInPlace()
{
    const QByteArray withoutRefresh = R"({"access_token":"{at}","token_type":"Bearer",)"
                                      R"("expires_in":3600,"scope":"openid profile"})";
    m_provider->script("/token", {200, withSecrets(withoutRefresh)});
    connectSandbox({kApproved});
    awaitOutcome(1);
    RETURN_IF_FAILED();
    QCOMPARE(m_succeeded->size(), 1);
    auto connected = Db::ConnectionRepository(db()).findForUser(
        m_workspace->user().tenantId, m_workspace->user().userId, kSandbox);
    QVERIFY(connected.ok() && connected.value());
    QVERIFY(connected.value()->protectedRefreshToken.isEmpty());
    const QUuid id = connected.value()->id;

    // 1. Healthy for now: a second connect is refused and opens no browser.
    m_service->startConnect(kSandbox);
    QCOMPARE(m_failed->size(), 1);
    QCOMPARE(failure().code, ErrorCode::AlreadyConnected);
    QCOMPARE(m_browser->openCount(), 1);

    // 2. Within the catalogue's lead time of its expiry: the same flow repairs the same row.
    m_clock.advance(3600 - 30);
    connectSandbox({kApproved});
    awaitOutcome(3);
    RETURN_IF_FAILED();
    QCOMPARE(m_succeeded->size(), 2);
    QCOMPARE(rowCount(db(), kConnections), 1);
    auto renewed = Db::ConnectionRepository(db()).findById(id);
    QVERIFY(renewed.ok() && renewed.value());
    QCOMPARE(renewed.value()->status, Db::ConnectionStatus::Connected);
    QCOMPARE(renewed.value()->accessTokenExpiresAt, m_clock.nowUtc().addSecs(3600));
    QCOMPARE(rowCount(db(), u"AbpAuditLogActions"_qs,
                      u"\"MethodName\" = 'SocialConnectionReconnected'"_qs),
             1);
}

void TestConnectionService::disconnectWhenRevocationFails_data()
{
    QTest::addColumn<RevocationFault>("fault");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("providerError");

    const auto refused = [](int status) {
        return QStringLiteral("The provider refused the request (HTTP %1).").arg(status);
    };
    QTest::newRow("revocation-503")
        << RevocationFault::Answers << 503 << QByteArray("text/html")
        << QByteArray("<html><body><h1>Service Unavailable</h1></body></html>")
        << ErrorCode::HttpError << refused(503) << QString();
    QTest::newRow("revocation-400-error-body-echoing-the-token")
        << RevocationFault::Answers << 400 << kJson
        << QByteArray(R"({"error":"invalid_request","error_description":"Token {rt} unknown"})")
        << ErrorCode::HttpError << refused(400) << QStringLiteral("invalid_request");
    // RFC 7009 §2.2.1: the one error the revocation endpoint itself defines.
    QTest::newRow("revocation-400-unsupported_token_type")
        << RevocationFault::Answers << 400 << kJson
        << QByteArray(R"({"error":"unsupported_token_type"})") << ErrorCode::HttpError
        << refused(400) << QStringLiteral("unsupported_token_type");
    QTest::newRow("revocation-unreachable")
        << RevocationFault::Unreachable << 0 << kJson << QByteArray() << ErrorCode::NetworkError
        << QStringLiteral("The provider could not be reached.") << QString();
    QTest::newRow("revocation-silent")
        << RevocationFault::Silent << 200 << kJson << QByteArray() << ErrorCode::Timeout
        << QStringLiteral("The provider did not answer in time.") << QString();
    QTest::newRow("stored-token-unreadable")
        << RevocationFault::TokenUnreadable << 0 << kJson << QByteArray() << ErrorCode::MacMismatch
        << QStringLiteral("The stored token could not be read, so the provider was not asked "
                          "to revoke it.")
        << QString();
}

// Issue 4: a failed revocation is reported, and the tokens are removed here anyway, audited,
// with the connection's history kept.
void TestConnectionService::disconnectWhenRevocationFails()
{
    QFETCH(RevocationFault, fault);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, message);
    QFETCH(QString, providerError);

    // 1. Connected; then the revocation breaks the row's way, a minute later.
    connectSandbox({kApproved});
    awaitOutcome();
    RETURN_IF_FAILED();
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    const Db::IntegrationConnection connected = ownConnection();
    QVERIFY(!connected.protectedAccessToken.isEmpty());
    QVERIFY(!connected.protectedRefreshToken.isEmpty());
    const QList<Db::ConnectionHistoryEntry> before = historyOf(connected.id);
    QCOMPARE(before.size(), 1);
    const bool silent = fault == RevocationFault::Silent;
    breakRevocation(fault, {status, withSecrets(body), contentType, 0, silent});
    RETURN_IF_FAILED();
    m_clock.advance(60);

    // 2. One outcome, naming the failure, with no secret in it or in any log line.
    QSignalSpy finished(m_service.get(), &ConnectionService::disconnectFinished);
    QSignalSpy notDisconnected(m_service.get(), &ConnectionService::disconnectFailed);
    m_service->disconnectProvider(kSandbox);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kFlowTimeoutMs);
    QVERIFY(notDisconnected.isEmpty());
    QCOMPARE(finished.first().at(0).toString(), kSandbox);
    const Error error = finished.first().at(1).value<Error>();
    QVERIFY2(error.code == code,
             qPrintable(u"got "_qs + errorCodeName(error.code) + u", "_qs + error.detail));
    QCOMPARE(error.message, message);
    QCOMPARE(error.providerError, providerError);
    verifyNoSecretLeaked(error);
    RETURN_IF_FAILED();
    const bool asked = fault == RevocationFault::Answers || silent;
    QCOMPARE(m_provider->count("/token/revocation"), asked ? 1 : 0);
    if (asked) {
        const auto form = rawForm(m_provider->requestsTo("/token/revocation").first().body);
        QCOMPARE(form.value("token"), kRefreshToken);
        QCOMPARE(form.value("token_type_hint"), QByteArray("refresh_token"));
    }

    // 3. Removed here all the same: no token on the row, one revocation audited, and the
    // history keeps the connect with the disconnect after it.
    QCOMPARE(rowCount(db(), kConnections), 1);
    QCOMPARE(rowCount(db(), kConnections,
                      u"\"ProtectedAccessToken\" IS NULL AND \"ProtectedRefreshToken\" IS NULL"_qs),
             1);
    QCOMPARE(ownConnection().status, Db::ConnectionStatus::NotConnected);
    QCOMPARE(
        rowCount(db(), u"AbpAuditLogActions"_qs, u"\"MethodName\" = 'SocialConnectionRevoked'"_qs),
        1);
    const QList<Db::ConnectionHistoryEntry> after = historyOf(connected.id);
    QCOMPARE(after.size(), before.size() + 1);
    QCOMPARE(after.first().id, before.first().id);
    QCOMPARE(after.first().toStatus, Db::ConnectionStatus::Connected);
    QCOMPARE(after.first().creationTime, before.first().creationTime);
    QCOMPARE(after.last().fromStatus, Db::ConnectionStatus::Connected);
    QCOMPARE(after.last().toStatus, Db::ConnectionStatus::NotConnected);
    QCOMPARE(after.last().reason, QStringLiteral("SocialConnectionRevoked"));
}

// Browsers ask the loopback for /favicon.ico; that is no callback and no anomaly.
void TestConnectionService::faviconBeforeTheCallback()
{
    connectSandbox({"/favicon.ico"});
    QTRY_COMPARE_WITH_TIMEOUT(m_browser->statuses(), QList<int>{404}, kFlowTimeoutMs);
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QVERIFY(m_failed->isEmpty());
    QCOMPARE(rowCount(db(), kSecurityLogs), 0);
    QCOMPARE(rowCount(db(), kPending, u"\"ConsumedTime\" IS NULL"_qs), 1);

    m_browser->visit(withSecrets(kApproved));
    awaitOutcome();
    RETURN_IF_FAILED();
    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    QCOMPARE(m_browser->statuses(), (QList<int>{404, 200}));
}

// DESIGN §3: the UI thread never waits for the network. The endpoints hold their answers for
// a second each; startConnect returns at once, and the event loop keeps turning throughout.
void TestConnectionService::neverBlocksTheEventLoop()
{
    constexpr int kHoldMs = 1000;
    constexpr qint64 kResponsiveMs = 100;
    m_provider->script("/token", {200, withSecrets(kTokens), kJson, kHoldMs});
    m_provider->script("/me", {200, kProfile, kJson, kHoldMs});

    QElapsedTimer call;
    call.start();
    connectSandbox({kApproved});
    const qint64 startConnectMs = call.elapsed();
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QCOMPARE(m_provider->count("/token"), 0);

    // A heartbeat every 5 ms: its longest gap is the longest the loop was kept from turning.
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longestStall = 0;
    int beats = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    connect(&heartbeat, &QTimer::timeout, this, [&] {
        longestStall = std::max(longestStall, clock.elapsed() - last);
        last = clock.elapsed();
        ++beats;
    });
    QMap<QByteArray, int> beatsAt;
    connect(m_provider.get(), &FakeProvider::requestReceived, this,
            [&](const QByteArray &path) { beatsAt.insert(path, beats); });

    QEventLoop loop;
    connect(m_service.get(), &ConnectionService::connectSucceeded, &loop, &QEventLoop::quit);
    connect(m_service.get(), &ConnectionService::connectFailed, &loop, &QEventLoop::quit);
    QTimer::singleShot(kFlowTimeoutMs, &loop, &QEventLoop::quit);
    clock.start();
    heartbeat.start(5);
    loop.exec();
    heartbeat.stop();

    QVERIFY2(m_failed->isEmpty(), qPrintable(failure().detail));
    QCOMPARE(m_succeeded->size(), 1);
    const int beatsWhileExchanging = beatsAt.value("/me") - beatsAt.value("/token");
    qInfo("startConnect returned after %lld ms; longest event-loop stall %lld ms; %d beats "
          "while the token endpoint held its answer",
          startConnectMs, longestStall, beatsWhileExchanging);
    QVERIFY2(startConnectMs < kResponsiveMs, qPrintable(QString::number(startConnectMs)));
    QVERIFY2(longestStall < kResponsiveMs, qPrintable(QString::number(longestStall)));
    // About 200 at 5 ms; a blocking exchange would allow none.
    QVERIFY2(beatsWhileExchanging > 50, qPrintable(QString::number(beatsWhileExchanging)));
}

QTEST_GUILESS_MAIN(TestConnectionService)
#include "tst_connectionservice.moc"
