// "Test configuration": each endpoint asked for any HTTP answer, and for OpenID Connect
// providers the discovery document (OpenID Connect Discovery 1.0 §4) compared with what is
// configured. Against the real Sandbox server, and against local servers for what a real one
// will not do: a refused port, silence, a broken TLS handshake, a wrong issuer, a document
// that is not JSON. No request carries the client id or the client secret.
//
//   ProviderConfigService::testConfiguration(edit) ─► ProviderConfigCheck
//       ─► GET endpoints + <issuer>/.well-known/openid-configuration ─► FakeProvider / Sandbox
#include "core/service/crmcontract.h"
#include "core/service/providerconfigcheck.h"
#include "core/service/providerconfigservice.h"
#include "core/service/workspace.h"
#include "tests/service/fakeprovider.h"
#include "tests/support/logcapture.h"
#include "tests/support/sandboxserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

Q_DECLARE_METATYPE(EasyCrm::CheckVerdict)

namespace {

constexpr int kOutcomeTimeoutMs = 15000;
const QByteArray kDiscoveryPath = "/.well-known/openid-configuration";
const QByteArray kTypedSecret = "typed-secret-never-sent-8d21";

// The Sandbox's entry of the catalogue with every address on `base`.
ProviderDescriptor pointedAt(const QString &key, const QUrl &base)
{
    ProviderDescriptor provider = *ProviderCatalogue::builtIn().find(key);
    const auto at = [&base](const char *path) {
        QUrl url = base;
        url.setPath(QString::fromLatin1(path));
        return url;
    };
    provider.authorizeEndpoint = at("/auth");
    provider.tokenEndpoint = at("/token");
    provider.revocationEndpoint = at("/token/revocation");
    provider.profileEndpoint = at("/me");
    provider.issuer = base.toString(QUrl::FullyEncoded);
    return provider;
}

QByteArray discovery(const QString &issuer, const QString &authorize, const QString &token)
{
    return QJsonDocument(QJsonObject{{u"issuer"_qs, issuer},
                                     {u"authorization_endpoint"_qs, authorize},
                                     {u"token_endpoint"_qs, token}})
        .toJson(QJsonDocument::Compact);
}

// Answers an HTTP response to whatever arrives, so a TLS client gets no handshake.
class PlainTextServer final : public QTcpServer
{
public:
    PlainTextServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                socket->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                socket->disconnectFromHost();
            }
        });
    }
};

} // namespace

class TestProviderConfigCheck final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void sandboxIsReachableAndItsDiscoveryMatches();
    void anyHttpAnswerIsReachable_data();
    void anyHttpAnswerIsReachable();
    void wrongAddressIsNotFound_data();
    void wrongAddressIsNotFound();
    void refusedPortIsNotReachable();
    void silentServerTimesOut();
    void brokenTlsIsNotReachable();
    void unresolvableHostIsNotReachable();
    void wrongIssuerIsNamed();
    void discoveryThatIsNotJsonFails_data();
    void discoveryThatIsNotJsonFails();
    void missingDiscoveryFails();
    void differingEndpointIsNamed();
    void plainOAuthProviderHasNoDiscovery();
    void insecureAddressIsNotRequested();
    void nothingOfTheRegistrationIsSent();
    void outcomeAlwaysArrivesFromTheEventLoop();
    void aNewTestReplacesTheRunningOne();

private:
    // Runs one check of `provider` and returns its rows.
    QList<ConfigCheck> check(const ProviderDescriptor &provider,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));
    static const ConfigCheck *row(const QList<ConfigCheck> &checks, const QString &title);
    ProviderEdit sandboxEdit(ProviderConfigService &service);

    std::unique_ptr<LogCapture> m_logs;
    SandboxServer m_sandbox;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    QNetworkAccessManager m_network;
    std::unique_ptr<FakeProvider> m_provider;
};

void TestProviderConfigCheck::initTestCase()
{
    m_logs = std::make_unique<LogCapture>();
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
}

void TestProviderConfigCheck::init()
{
    m_provider = std::make_unique<FakeProvider>();
    QVERIFY(m_provider->listen());
}

void TestProviderConfigCheck::cleanup()
{
    m_provider.reset();
}

QList<ConfigCheck> TestProviderConfigCheck::check(const ProviderDescriptor &provider,
                                                  std::chrono::milliseconds timeout)
{
    ProviderConfigCheck check(&m_network, timeout);
    QSignalSpy finished(&check, &ProviderConfigCheck::finished);
    check.start(provider);
    if (!finished.wait(kOutcomeTimeoutMs))
        return {};
    return finished.first().first().value<QList<ConfigCheck>>();
}

const ConfigCheck *TestProviderConfigCheck::row(const QList<ConfigCheck> &checks,
                                                const QString &title)
{
    for (const ConfigCheck &check : checks) {
        if (check.title == title)
            return &check;
    }
    return nullptr;
}

ProviderEdit TestProviderConfigCheck::sandboxEdit(ProviderConfigService &service)
{
    const ProviderSettings s = service.settings(QStringLiteral("sandbox")).value();
    ProviderEdit edit;
    edit.providerKey = s.providerKey;
    edit.shownOrigin = s.origin;
    edit.shownStamp = s.concurrencyStamp;
    edit.enabled = s.enabled;
    edit.clientId = s.clientId;
    edit.enabledScopes = s.enabledScopes;
    edit.endpointOverrides = s.endpointOverrides;
    return edit;
}

void TestProviderConfigCheck::sandboxIsReachableAndItsDiscoveryMatches()
{
    SandboxRegistration registration;
    registration.issuer = m_sandbox.issuer();
    auto workspace = Workspace::openEmbedded(
        m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run)), m_clock, registration);
    QVERIFY(workspace.ok());
    SessionUser admin = workspace.value()->user();
    admin.permissions = {Contract::kPermissionManageProviders};
    ProviderConfigService service(workspace.value()->database(), workspace.value()->protector(),
                                  ProviderCatalogue::builtIn(), admin, m_clock);
    QSignalSpy finished(&service, &ProviderConfigService::testFinished);
    QVERIFY(service.testConfiguration(sandboxEdit(service)).ok());
    QVERIFY(service.isTesting());
    QVERIFY(finished.wait(kOutcomeTimeoutMs));
    QCOMPARE(finished.first().at(0).toString(), QStringLiteral("sandbox"));
    const auto checks = finished.first().at(1).value<QList<ConfigCheck>>();
    QCOMPARE(checks.size(), 7);
    for (const ConfigCheck &check : checks)
        QVERIFY2(check.verdict == CheckVerdict::Passed,
                 qPrintable(check.title + u": "_qs + check.text));
    const QString issuer = m_sandbox.issuer().toString(QUrl::FullyEncoded);
    QCOMPARE(row(checks, u"Issuer"_qs)->text,
             u"The discovery document names the configured issuer "_qs + issuer + u"."_qs);
    QCOMPARE(row(checks, u"Endpoints in the discovery document"_qs)->text,
             QStringLiteral("The authorization and token endpoints match the configured ones."));
    QCOMPARE(row(checks, u"Discovery document"_qs)->text,
             u"Found at "_qs + issuer + u"/.well-known/openid-configuration."_qs);
    QVERIFY(!service.isTesting());
}

void TestProviderConfigCheck::anyHttpAnswerIsReachable_data()
{
    QTest::addColumn<int>("status");
    for (int status : {200, 302, 400, 401, 405, 500, 503})
        QTest::newRow(qPrintable(QString::number(status))) << status;
}

void TestProviderConfigCheck::anyHttpAnswerIsReachable()
{
    QFETCH(int, status);
    for (const QByteArray path : {"/auth", "/token", "/token/revocation", "/me"})
        m_provider->script(path, {status, "{}"});
    const auto checks = check(pointedAt(QStringLiteral("x"), m_provider->issuer()));
    QCOMPARE(checks.size(), 5);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(checks.at(i).verdict, CheckVerdict::Passed);
        QCOMPARE(checks.at(i).text,
                 QStringLiteral("Reachable: the server answered HTTP %1.").arg(status));
    }
    QCOMPARE(m_provider->count("/token"), 1);
}

void TestProviderConfigCheck::wrongAddressIsNotFound_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("404-not-found") << 404;
    QTest::newRow("410-gone") << 410;
}

// A mistyped path reaches a server but no endpoint: that must not read as a pass.
void TestProviderConfigCheck::wrongAddressIsNotFound()
{
    QFETCH(int, status);
    for (const QByteArray path : {"/auth", "/token", "/token/revocation", "/me"})
        m_provider->script(path, {status, "{}"});
    const ProviderDescriptor provider = pointedAt(QStringLiteral("x"), m_provider->issuer());
    const auto checks = check(provider);
    QCOMPARE(checks.size(), 5);
    const QList<QUrl> urls{provider.authorizeEndpoint, provider.tokenEndpoint,
                           provider.revocationEndpoint, provider.profileEndpoint};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(checks.at(i).verdict, CheckVerdict::Failed);
        QCOMPARE(checks.at(i).text, QStringLiteral("Nothing at %1: the server answered HTTP %2.")
                                        .arg(urls.at(i).toDisplayString())
                                        .arg(status));
    }
}

void TestProviderConfigCheck::refusedPortIsNotReachable()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    QUrl closed(QStringLiteral("http://127.0.0.1"));
    closed.setPort(probe.serverPort());
    probe.close();
    ProviderDescriptor provider = pointedAt(QStringLiteral("sandbox"), m_provider->issuer());
    closed.setPath(QStringLiteral("/token"));
    provider.tokenEndpoint = closed;
    m_provider->script(kDiscoveryPath, {200, discovery(provider.issuer, {}, {})});
    m_provider->script("/auth", {400, "{}"});
    const auto checks = check(provider);
    const ConfigCheck *token = row(checks, u"Token endpoint"_qs);
    QVERIFY(token);
    QCOMPARE(token->verdict, CheckVerdict::Failed);
    QCOMPARE(token->field, ProviderField::TokenEndpoint);
    QCOMPARE(
        token->text,
        QStringLiteral("Not reachable: 127.0.0.1:%1 refused the connection.").arg(closed.port()));
    // The others still answered: one unreachable endpoint does not hide the rest.
    QCOMPARE(row(checks, u"Authorization endpoint"_qs)->verdict, CheckVerdict::Passed);
}

void TestProviderConfigCheck::silentServerTimesOut()
{
    m_provider->script("/token", {200, {}, "application/json", 0, true});
    m_provider->script("/me", {401, "{}"});
    ProviderDescriptor provider = pointedAt(QStringLiteral("x"), m_provider->issuer());
    QElapsedTimer elapsed;
    elapsed.start();
    const auto checks = check(provider, std::chrono::milliseconds(400));
    QVERIFY(elapsed.elapsed() < 5000);
    const ConfigCheck *token = row(checks, u"Token endpoint"_qs);
    QVERIFY(token);
    QCOMPARE(token->verdict, CheckVerdict::Failed);
    QCOMPARE(token->text,
             QStringLiteral("Not reachable: 127.0.0.1:%1 did not answer in time (waited 0.4 s).")
                 .arg(m_provider->issuer().port()));
    QCOMPARE(row(checks, u"Profile endpoint"_qs)->verdict, CheckVerdict::Passed);
}

void TestProviderConfigCheck::brokenTlsIsNotReachable()
{
    PlainTextServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    ProviderDescriptor provider = pointedAt(QStringLiteral("x"), m_provider->issuer());
    QUrl https(QStringLiteral("https://127.0.0.1/token"));
    https.setPort(server.serverPort());
    provider.tokenEndpoint = https;
    const auto checks = check(provider);
    const ConfigCheck *token = row(checks, u"Token endpoint"_qs);
    QVERIFY(token);
    QCOMPARE(token->verdict, CheckVerdict::Failed);
    QVERIFY2(token->text.startsWith(
                 QStringLiteral("Not reachable: the secure connection (TLS) to 127.0.0.1:%1 "
                                "failed.")
                     .arg(server.serverPort())),
             qPrintable(token->text));
}

void TestProviderConfigCheck::unresolvableHostIsNotReachable()
{
    ProviderDescriptor provider = pointedAt(QStringLiteral("x"), m_provider->issuer());
    // RFC 6761 §6.4: .invalid names never resolve.
    provider.profileEndpoint = QUrl(QStringLiteral("https://idp.easycrm.invalid/me"));
    const auto checks = check(provider);
    const ConfigCheck *profile = row(checks, u"Profile endpoint"_qs);
    QVERIFY(profile);
    QCOMPARE(profile->verdict, CheckVerdict::Failed);
    QCOMPARE(profile->text, QStringLiteral("Not reachable: the host name idp.easycrm.invalid "
                                           "could not be resolved."));
}

void TestProviderConfigCheck::wrongIssuerIsNamed()
{
    const ProviderDescriptor provider = pointedAt(QStringLiteral("sandbox"), m_provider->issuer());
    m_provider->script(kDiscoveryPath, {200, discovery(u"https://other-idp.example"_qs,
                                                       provider.authorizeEndpoint.toString(),
                                                       provider.tokenEndpoint.toString())});
    const auto checks = check(provider);
    QCOMPARE(row(checks, u"Discovery document"_qs)->verdict, CheckVerdict::Passed);
    const ConfigCheck *issuer = row(checks, u"Issuer"_qs);
    QVERIFY(issuer);
    QCOMPARE(issuer->verdict, CheckVerdict::Failed);
    QCOMPARE(issuer->field, ProviderField::Issuer);
    QCOMPARE(issuer->text, u"The discovery document names the issuer https://other-idp.example, "
                           u"but "_qs +
                               provider.issuer + u" is configured."_qs);
    QCOMPARE(row(checks, u"Endpoints in the discovery document"_qs)->verdict, CheckVerdict::Passed);
}

void TestProviderConfigCheck::discoveryThatIsNotJsonFails_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("html-login-page") << QByteArray("<html><body>Sign in</body></html>");
    QTest::newRow("json-array") << QByteArray("[]");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << QByteArray(R"({"issuer": "http://127.0.0.1)");
}

void TestProviderConfigCheck::discoveryThatIsNotJsonFails()
{
    QFETCH(QByteArray, body);
    m_provider->script(kDiscoveryPath, {200, body, "text/html"});
    const ProviderDescriptor provider = pointedAt(QStringLiteral("sandbox"), m_provider->issuer());
    const auto checks = check(provider);
    const ConfigCheck *document = row(checks, u"Discovery document"_qs);
    QVERIFY(document);
    QCOMPARE(document->verdict, CheckVerdict::Failed);
    QCOMPARE(document->text, u"The answer at "_qs + provider.issuer +
                                 u"/.well-known/openid-configuration is not a JSON discovery "
                                 u"document."_qs);
    QVERIFY(!row(checks, u"Issuer"_qs)); // nothing to compare with
}

void TestProviderConfigCheck::missingDiscoveryFails()
{
    const ProviderDescriptor provider = pointedAt(QStringLiteral("sandbox"), m_provider->issuer());
    const auto checks = check(provider); // the fake answers 404 to every unscripted path
    const ConfigCheck *document = row(checks, u"Discovery document"_qs);
    QVERIFY(document);
    QCOMPARE(document->verdict, CheckVerdict::Failed);
    QCOMPARE(document->text, u"No discovery document at "_qs + provider.issuer +
                                 u"/.well-known/openid-configuration: the server answered HTTP "
                                 u"404."_qs);
}

void TestProviderConfigCheck::differingEndpointIsNamed()
{
    const ProviderDescriptor provider = pointedAt(QStringLiteral("sandbox"), m_provider->issuer());
    m_provider->script(kDiscoveryPath,
                       {200, discovery(provider.issuer, provider.authorizeEndpoint.toString(),
                                       u"https://idp.example/oauth/token"_qs)});
    const auto checks = check(provider);
    const ConfigCheck *endpoints = row(checks, u"Endpoints in the discovery document"_qs);
    QVERIFY(endpoints);
    QCOMPARE(endpoints->verdict, CheckVerdict::Failed);
    QCOMPARE(endpoints->field, ProviderField::TokenEndpoint);
    QCOMPARE(endpoints->text, u"The token endpoint differs: the discovery document names "
                              u"https://idp.example/oauth/token, but "_qs +
                                  provider.tokenEndpoint.toString() + u" is configured."_qs);
    QCOMPARE(row(checks, u"Issuer"_qs)->verdict, CheckVerdict::Passed);
}

void TestProviderConfigCheck::plainOAuthProviderHasNoDiscovery()
{
    const auto checks = check(pointedAt(QStringLiteral("x"), m_provider->issuer()));
    const ConfigCheck *document = row(checks, u"Discovery document"_qs);
    QVERIFY(document);
    QCOMPARE(document->verdict, CheckVerdict::Skipped);
    QCOMPARE(document->text, QStringLiteral("X uses OAuth 2.0 without OpenID Connect: it "
                                            "publishes no discovery document to compare with."));
    QCOMPARE(m_provider->count(kDiscoveryPath), 0);
    // Facebook has no revocation endpoint: nothing to ask there.
    ProviderDescriptor facebook = pointedAt(QStringLiteral("facebook"), m_provider->issuer());
    facebook.revocationEndpoint = QUrl();
    const ConfigCheck *revocation = row(check(facebook), u"Revocation endpoint"_qs);
    QVERIFY(revocation);
    QCOMPARE(revocation->verdict, CheckVerdict::Skipped);
}

void TestProviderConfigCheck::insecureAddressIsNotRequested()
{
    ProviderDescriptor provider = pointedAt(QStringLiteral("x"), m_provider->issuer());
    provider.tokenEndpoint = QUrl(QStringLiteral("http://idp.example/token"));
    const ConfigCheck *token = row(check(provider), u"Token endpoint"_qs);
    QVERIFY(token);
    QCOMPARE(token->verdict, CheckVerdict::Failed);
    QCOMPARE(token->text, QStringLiteral("Not checked: http://idp.example/token is not an https "
                                         "address (http only for 127.0.0.1 or localhost)."));
}

// The check needs nothing of the app's registration, so it sends nothing of it: no client id,
// no saved secret, not the one typed into the editor, no Authorization header.
void TestProviderConfigCheck::nothingOfTheRegistrationIsSent()
{
    SandboxRegistration registration;
    registration.issuer = m_provider->issuer();
    auto workspace = Workspace::openEmbedded(
        m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run)), m_clock, registration);
    QVERIFY(workspace.ok());
    SessionUser admin = workspace.value()->user();
    admin.permissions = {Contract::kPermissionManageProviders};
    ProviderConfigService service(workspace.value()->database(), workspace.value()->protector(),
                                  ProviderCatalogue::builtIn(), admin, m_clock);
    service.setNetworkAccessManager(&m_network);
    ProviderEdit edit = sandboxEdit(service);
    edit.clientSecret = kTypedSecret;
    m_provider->script(kDiscoveryPath, {200, discovery(registration.issuer.toString(), {}, {})});
    QSignalSpy finished(&service, &ProviderConfigService::testFinished);
    QVERIFY(service.testConfiguration(edit).ok());
    QVERIFY(finished.wait(kOutcomeTimeoutMs));

    int requests = 0;
    for (const QByteArray &path :
         {QByteArray("/auth"), QByteArray("/token"), QByteArray("/token/revocation"),
          QByteArray("/me"), kDiscoveryPath}) {
        for (const FakeProvider::Request &request : m_provider->requestsTo(path)) {
            ++requests;
            const QByteArray all = request.head + request.body;
            // RFC 6749 §3.2, RFC 7009 §2.1: the token and revocation endpoints take POST only;
            // they are asked with an empty form.
            const bool postOnly = path.startsWith("/token");
            QCOMPARE(request.method, QByteArray(postOnly ? "POST" : "GET"));
            QCOMPARE(request.head.contains("application/x-www-form-urlencoded"), postOnly);
            QVERIFY(request.body.isEmpty());
            QVERIFY(!all.contains(kTypedSecret));
            QVERIFY(!all.contains(registration.clientSecret));
            QVERIFY(!all.contains(registration.clientId.toUtf8()));
            QVERIFY(!all.toLower().contains("authorization:"));
            QVERIFY(!all.toLower().contains("cookie:"));
        }
    }
    QCOMPARE(requests, 5);
    const QString logs = m_logs->lines().join(u'\n');
    QVERIFY(!logs.contains(QString::fromUtf8(kTypedSecret)));
    QVERIFY(!logs.contains(QString::fromUtf8(registration.clientSecret)));
}

void TestProviderConfigCheck::outcomeAlwaysArrivesFromTheEventLoop()
{
    ProviderDescriptor provider = *ProviderCatalogue::builtIn().find(QStringLiteral("x"));
    for (QUrl *url : {&provider.authorizeEndpoint, &provider.tokenEndpoint,
                      &provider.revocationEndpoint, &provider.profileEndpoint})
        *url = QUrl(QStringLiteral("ftp://files.example/none"));
    ProviderConfigCheck check(&m_network, std::chrono::seconds(1));
    QSignalSpy finished(&check, &ProviderConfigCheck::finished);
    check.start(provider); // nothing to ask: every address is refused before a request
    QCOMPARE(finished.size(), 0);
    QVERIFY(finished.wait(kOutcomeTimeoutMs));
    const auto checks = finished.first().first().value<QList<ConfigCheck>>();
    QCOMPARE(checks.size(), 5);
    QCOMPARE(checks.first().verdict, CheckVerdict::Failed);
}

void TestProviderConfigCheck::aNewTestReplacesTheRunningOne()
{
    SandboxRegistration registration;
    registration.issuer = m_provider->issuer();
    auto workspace = Workspace::openEmbedded(
        m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run)), m_clock, registration);
    QVERIFY(workspace.ok());
    SessionUser admin = workspace.value()->user();
    admin.permissions = {Contract::kPermissionManageProviders};
    ProviderConfigService service(workspace.value()->database(), workspace.value()->protector(),
                                  ProviderCatalogue::builtIn(), admin, m_clock);
    service.setNetworkAccessManager(&m_network);
    service.setCheckTimeout(std::chrono::milliseconds(300));
    m_provider->script("/token", {200, {}, "application/json", 0, true});
    QSignalSpy finished(&service, &ProviderConfigService::testFinished);
    QVERIFY(service.testConfiguration(sandboxEdit(service)).ok());
    QTRY_COMPARE(m_provider->count("/token"), 1);

    // The second test points the token endpoint at an answering server.
    m_provider->script("/token", {400, "{}"});
    ProviderEdit edit = sandboxEdit(service);
    edit.endpointOverrides.token = m_provider->issuer().toString() + u"/token?second"_qs;
    QVERIFY(service.testConfiguration(edit).ok());
    QVERIFY(finished.wait(kOutcomeTimeoutMs));
    // The first one, silent until its timeout, never reports: it was dropped with its request.
    QVERIFY(!finished.wait(1000));
    QCOMPARE(finished.size(), 1);
    const auto checks = finished.first().at(1).value<QList<ConfigCheck>>();
    QCOMPARE(row(checks, u"Token endpoint"_qs)->verdict, CheckVerdict::Passed);
}

QTEST_GUILESS_MAIN(TestProviderConfigCheck)
#include "tst_providerconfigcheck.moc"
