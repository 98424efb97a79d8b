#include "core/oauth/authorizationstep.h"
#include "core/oauth/loopbackreplyhandler.h"

#include "fakehttpserver.h"
#include "logcapture.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::OAuth;

using QueryItems = QMultiMap<QString, QString>;

namespace {

ProviderDescriptor catalogued(const char *key)
{
    const ProviderDescriptor *provider = ProviderCatalogue::builtIn().find(QLatin1String(key));
    return provider ? *provider : ProviderDescriptor();
}

// Decodes the query the way a provider does, independently of the product's code.
QueryItems decoded(const QByteArray &rawQuery)
{
    QueryItems items;
    for (const QByteArray &pair : rawQuery.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        items.insert(QString::fromUtf8(QByteArray::fromPercentEncoding(pair.first(equals))),
                     QString::fromUtf8(QByteArray::fromPercentEncoding(pair.sliced(equals + 1))));
    }
    return items;
}

struct Attempt
{
    AuthorizationRequest request;
    QUrl url;
};

} // namespace

class TestAuthorizationStep final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void urlCarriesExactlyTheIntendedParameters_data();
    void urlCarriesExactlyTheIntendedParameters();
    void eachAttemptHasAFreshStateAndVerifier();
    void refusesAnUnsafeRequest_data();
    void refusesAnUnsafeRequest();
    void startsOnce();
    void neverRequestsATokenItself();
    void logsNoStateEvenWithQtDebugOn();

private:
    AuthorizationRequest request(const ProviderDescriptor &provider, const QString &clientId,
                                 const QStringList &scopes);
    void run(AuthorizationRequest request, QUrl &url);

    std::unique_ptr<LoopbackReplyHandler> m_handler;
};

void TestAuthorizationStep::init()
{
    m_handler = std::make_unique<LoopbackReplyHandler>();
    QVERIFY(m_handler->listen().ok());
}

AuthorizationRequest TestAuthorizationStep::request(const ProviderDescriptor &provider,
                                                    const QString &clientId,
                                                    const QStringList &scopes)
{
    AuthorizationRequest request;
    request.provider = provider;
    request.clientId = clientId;
    request.scopes = scopes;
    request.redirectUri = QUrl(m_handler->callback(), QUrl::StrictMode);
    request.state = makeState().value();
    request.pkce = makePkce(provider.pkceChallenge).value();
    return request;
}

void TestAuthorizationStep::run(AuthorizationRequest request, QUrl &url)
{
    AuthorizationStep step(std::move(request), m_handler.get());
    QSignalSpy ready(&step, &AuthorizationStep::authorizeUrlReady);
    QSignalSpy failed(&step, &AuthorizationStep::failed);
    step.start();
    QCOMPARE(failed.count(), 0);
    QCOMPARE(ready.count(), 1);
    url = ready.first().first().toUrl();
}

void TestAuthorizationStep::urlCarriesExactlyTheIntendedParameters_data()
{
    QTest::addColumn<QString>("providerKey");
    QTest::addColumn<QUrl>("endpoint"); // overrides the catalogue's when valid
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QStringList>("scopes");
    QTest::addColumn<QueryItems>("extra"); // beyond state, PKCE, response_type, redirect_uri
    QTest::addColumn<QByteArrayList>("rawPieces"); // must appear in the URL as they are

    QTest::newRow("sandbox-space-separated-scopes")
        << QStringLiteral("sandbox") << QUrl() << QStringLiteral("easycrm-desktop")
        << QStringList{QStringLiteral("openid"), QStringLiteral("profile")}
        << QueryItems{{QStringLiteral("client_id"), QStringLiteral("easycrm-desktop")},
                      {QStringLiteral("scope"), QStringLiteral("openid profile")}}
        << QByteArrayList{"scope=openid%20profile", "response_type=code"};
    QTest::newRow("client-id-with-plus-space-slash")
        << QStringLiteral("sandbox") << QUrl() << QStringLiteral("a+b c/d%2B")
        << QStringList{QStringLiteral("openid")}
        << QueryItems{{QStringLiteral("client_id"), QStringLiteral("a+b c/d%2B")},
                      {QStringLiteral("scope"), QStringLiteral("openid")}}
        << QByteArrayList{"client_id=a%2Bb%20c%2Fd%252B"};
    QTest::newRow("scope-with-plus-space-slash")
        << QStringLiteral("youtube") << QUrl() << QStringLiteral("123.apps.example")
        << QStringList{QStringLiteral("https://www.googleapis.com/auth/youtube.readonly"),
                       QStringLiteral("x+y")}
        << QueryItems{{QStringLiteral("client_id"), QStringLiteral("123.apps.example")},
                      {QStringLiteral("scope"),
                       QStringLiteral("https://www.googleapis.com/auth/youtube.readonly x+y")},
                      {QStringLiteral("access_type"), QStringLiteral("offline")},
                      {QStringLiteral("prompt"), QStringLiteral("consent")}}
        << QByteArrayList{"%20x%2By"};
    QTest::newRow("tiktok-client-key-and-comma-scopes")
        << QStringLiteral("tiktok") << QUrl() << QStringLiteral("awkey123")
        << QStringList{QStringLiteral("user.info.basic"), QStringLiteral("video.list")}
        << QueryItems{{QStringLiteral("client_key"), QStringLiteral("awkey123")},
                      {QStringLiteral("scope"), QStringLiteral("user.info.basic,video.list")}}
        << QByteArrayList{"client_key=awkey123", "scope=user.info.basic%2Cvideo.list"};
    QTest::newRow("endpoint-with-its-own-query")
        << QStringLiteral("sandbox")
        << QUrl(QStringLiteral("https://id.example/authorize?tenant=t1")) << QStringLiteral("c")
        << QStringList{QStringLiteral("openid")}
        << QueryItems{{QStringLiteral("client_id"), QStringLiteral("c")},
                      {QStringLiteral("scope"), QStringLiteral("openid")},
                      {QStringLiteral("tenant"), QStringLiteral("t1")}}
        << QByteArrayList{"tenant=t1"};
    QTest::newRow("no-scopes-enabled")
        << QStringLiteral("sandbox") << QUrl() << QStringLiteral("c") << QStringList()
        << QueryItems{{QStringLiteral("client_id"), QStringLiteral("c")}} << QByteArrayList();
}

void TestAuthorizationStep::urlCarriesExactlyTheIntendedParameters()
{
    QFETCH(QString, providerKey);
    QFETCH(QUrl, endpoint);
    QFETCH(QString, clientId);
    QFETCH(QStringList, scopes);
    QFETCH(QueryItems, extra);
    QFETCH(QByteArrayList, rawPieces);

    ProviderDescriptor provider = catalogued(providerKey.toLatin1().constData());
    QVERIFY(!provider.key.isEmpty());
    if (endpoint.isValid())
        provider.authorizeEndpoint = endpoint;
    const AuthorizationRequest attempt = request(provider, clientId, scopes);
    QUrl url;
    run(attempt, url);
    if (QTest::currentTestFailed())
        return;

    QCOMPARE(url.adjusted(QUrl::RemoveQuery),
             provider.authorizeEndpoint.adjusted(QUrl::RemoveQuery));
    const QByteArray rawQuery = url.query(QUrl::FullyEncoded).toLatin1();
    // A literal '+' is a space to a form decoder: every one must be sent as %2B.
    QVERIFY2(!rawQuery.contains('+'), rawQuery.constData());
    for (const QByteArray &piece : rawPieces)
        QVERIFY2(rawQuery.contains(piece), piece.constData());

    QueryItems expected = extra;
    expected.insert(QStringLiteral("response_type"), QStringLiteral("code"));
    expected.insert(QStringLiteral("redirect_uri"), m_handler->callback());
    expected.insert(QStringLiteral("state"), QString::fromLatin1(attempt.state));
    expected.insert(QStringLiteral("code_challenge"), QString::fromLatin1(attempt.pkce.challenge));
    expected.insert(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    QCOMPARE(decoded(rawQuery), expected);
}

void TestAuthorizationStep::eachAttemptHasAFreshStateAndVerifier()
{
    // Qt 6.4 invents an 8-character state once and reuses it for every grant().
    const ProviderDescriptor tiktok = catalogued("tiktok");
    QSet<QString> states;
    QSet<QString> challenges;
    for (int i = 0; i < 3; ++i) {
        const AuthorizationRequest attempt =
            request(tiktok, QStringLiteral("k"), {QStringLiteral("user.info.basic")});
        QUrl url;
        run(attempt, url);
        if (QTest::currentTestFailed())
            return;
        const QueryItems items = decoded(url.query(QUrl::FullyEncoded).toLatin1());
        QCOMPARE(items.value(QStringLiteral("state")), QString::fromLatin1(attempt.state));
        QCOMPARE(items.value(QStringLiteral("state")).size(), 43);
        // TikTok: hex SHA-256 of this attempt's verifier.
        QCOMPARE(items.value(QStringLiteral("code_challenge")).toLatin1(),
                 pkceChallenge(attempt.pkce.verifier, PkceChallengeEncoding::S256Hex));
        states.insert(items.value(QStringLiteral("state")));
        challenges.insert(items.value(QStringLiteral("code_challenge")));
    }
    QCOMPARE(states.size(), 3);
    QCOMPARE(challenges.size(), 3);
}

void TestAuthorizationStep::refusesAnUnsafeRequest_data()
{
    QTest::addColumn<QString>("flaw");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("no-client-id") << QStringLiteral("no-client-id")
                                  << ErrorCode::ProviderNotConfigured;
    QTest::newRow("short-state") << QStringLiteral("short-state") << ErrorCode::AuthorizationError;
    QTest::newRow("no-pkce") << QStringLiteral("no-pkce") << ErrorCode::AuthorizationError;
    QTest::newRow("plain-http-endpoint")
        << QStringLiteral("plain-http-endpoint") << ErrorCode::NetworkError;
    QTest::newRow("nowhere-to-return")
        << QStringLiteral("nowhere-to-return") << ErrorCode::ListenFailed;
}

void TestAuthorizationStep::refusesAnUnsafeRequest()
{
    QFETCH(QString, flaw);
    QFETCH(ErrorCode, code);
    AuthorizationRequest attempt =
        request(catalogued("sandbox"), QStringLiteral("c"), {QStringLiteral("openid")});
    if (flaw == u"no-client-id")
        attempt.clientId.clear();
    if (flaw == u"short-state")
        attempt.state = "8charsXY";
    if (flaw == u"no-pkce")
        attempt.pkce = Pkce();
    if (flaw == u"plain-http-endpoint")
        attempt.provider.authorizeEndpoint = QUrl(QStringLiteral("http://id.example/authorize"));
    if (flaw == u"nowhere-to-return") {
        attempt.redirectUri = QUrl();
        m_handler->close();
    }
    AuthorizationStep step(attempt, m_handler.get());
    QSignalSpy ready(&step, &AuthorizationStep::authorizeUrlReady);
    QSignalSpy failed(&step, &AuthorizationStep::failed);
    step.start();
    QCOMPARE(ready.count(), 0);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().first().value<Error>().code, code);
}

void TestAuthorizationStep::startsOnce()
{
    AuthorizationStep step(request(catalogued("sandbox"), QStringLiteral("c"), {}),
                           m_handler.get());
    QSignalSpy ready(&step, &AuthorizationStep::authorizeUrlReady);
    step.start();
    step.start();
    QCOMPARE(ready.count(), 1);
}

void TestAuthorizationStep::neverRequestsATokenItself()
{
    // Qt 6.4's flow answers a callback with its own token request, the code encoded twice.
    FakeHttpServer tokenEndpoint;
    QVERIFY(tokenEndpoint.listen());
    tokenEndpoint.respond(200, R"({"access_token":"a"})");
    ProviderDescriptor provider = catalogued("sandbox");
    provider.tokenEndpoint = tokenEndpoint.url(QStringLiteral("/token"));
    const AuthorizationRequest attempt = request(provider, QStringLiteral("c"), {});
    m_handler->setStateValidator([&attempt](const QByteArray &state) {
        return state == attempt.state ? StateVerdict::Accepted : StateVerdict::Unknown;
    });
    AuthorizationStep step(attempt, m_handler.get());
    QSignalSpy received(m_handler.get(), &LoopbackReplyHandler::authorizationReceived);
    step.start();

    QTcpSocket browser;
    browser.connectToHost(QHostAddress::LocalHost, m_handler->port());
    browser.write("GET /api/integrations/social/callback?code=4%2Fabc&state=" + attempt.state +
                  " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_handler->port()) +
                  "\r\n\r\n");
    QTRY_COMPARE(received.count(), 1);
    // Even a callbackReceived from elsewhere does not make the flow talk to the endpoint.
    emit m_handler->callbackReceived(
        {{QStringLiteral("code"), QStringLiteral("4/abc")},
         {QStringLiteral("state"), QString::fromLatin1(attempt.state)}});
    QVERIFY(
        !QTest::qWaitFor([&tokenEndpoint] { return tokenEndpoint.connectionCount() > 0; }, 300));
}

void TestAuthorizationStep::logsNoStateEvenWithQtDebugOn()
{
    const AuthorizationRequest attempt =
        request(catalogued("sandbox"), QStringLiteral("c"), {QStringLiteral("openid")});
    LogCapture logs;
    QUrl url;
    run(attempt, url);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(url.isValid());
    QVERIFY(!logs.messages().isEmpty());
    QVERIFY2(!logs.mentions(attempt.state), qPrintable(logs.messages().join(u'\n')));
    QVERIFY(!logs.mentions(attempt.pkce.verifier));
}

QTEST_GUILESS_MAIN(TestAuthorizationStep)
#include "tst_authorizationstep.moc"
