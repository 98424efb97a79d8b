#include "core/oauth/tokenclient.h"

#include "fakehttpserver.h"
#include "logcapture.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::OAuth;
using namespace std::chrono_literals;

namespace {

const QStringList kRequested{QStringLiteral("openid"), QStringLiteral("profile")};

// The form body as a provider decodes it.
QMultiMap<QByteArray, QByteArray> formFields(const QByteArray &body)
{
    QMultiMap<QByteArray, QByteArray> fields;
    for (const QByteArray &pair : body.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        fields.insert(QByteArray::fromPercentEncoding(pair.first(equals)),
                      QByteArray::fromPercentEncoding(pair.sliced(equals + 1)));
    }
    return fields;
}

// Collects what a callback delivers and how often it is called.
template<typename T> struct Outcome
{
    std::optional<Result<T>> result;
    int calls = 0;
    std::function<void(Result<T>)> callback()
    {
        return [this](Result<T> r) {
            ++calls;
            result.emplace(std::move(r));
        };
    }
};

} // namespace

class TestTokenClient final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void answersAreTyped_data();
    void answersAreTyped();
    void codeIsPercentEncodedOnce();
    void clientIdParameterIsRenamed();
    void basicAuthenticationFormEncodesFirst();
    void refreshSendsTheRefreshGrant();
    void refreshAfterAFailedRefresh();
    void timesOutOnASilentServer();
    void unreachableEndpointIsANetworkError();
    void plainHttpToAnotherHostIsRefused();
    void revokes_data();
    void revokes();
    void callsBackOnceAndNeverSynchronously();
    void destroyedClientNeverCallsBack();
    void noSecretInErrorsOrLogs();
    void facebookExtendsWithAFormPost();
    void instagramExtendsWithAGetWhoseTokenIsRedacted();
    void getJoinsTheEndpointsOwnQuery();
    void exchangeFailuresAreTyped_data();
    void exchangeFailuresAreTyped();
    void exchangeTimesOut();
    void getNeverCarriesTheClientSecret();

private:
    TokenEndpoint endpoint() const;
    // The built-in provider, its exchange sent to `path` on the fake server.
    ProviderDescriptor exchangingProvider(const char *key, const QString &path) const;
    void exchange(TokenClient &client, const TokenEndpoint &endpoint,
                  Outcome<TokenResponse> &outcome, const QByteArray &code = "abc");

    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<FakeHttpServer> m_server;
};

void TestTokenClient::init()
{
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_server = std::make_unique<FakeHttpServer>();
    QVERIFY(m_server->listen());
}

void TestTokenClient::cleanup()
{
    m_server.reset();
    m_nam.reset();
}

TokenEndpoint TestTokenClient::endpoint() const
{
    TokenEndpoint endpoint;
    endpoint.url = m_server->url(QStringLiteral("/token"));
    endpoint.clientId = QStringLiteral("easycrm-desktop");
    return endpoint;
}

ProviderDescriptor TestTokenClient::exchangingProvider(const char *key, const QString &path) const
{
    ProviderDescriptor provider = *ProviderCatalogue::builtIn().find(QString::fromLatin1(key));
    provider.longLivedExchange->endpoint = m_server->url(path);
    return provider;
}

void TestTokenClient::exchange(TokenClient &client, const TokenEndpoint &endpoint,
                               Outcome<TokenResponse> &outcome, const QByteArray &code)
{
    client.exchangeCode(
        endpoint, code,
        QUrl(QStringLiteral("http://127.0.0.1:5000/api/integrations/social/callback")),
        "verifier-0123456789-0123456789-0123456789-abc", kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
}

void TestTokenClient::answersAreTyped_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("wrapper");
    QTest::addColumn<QString>("separators");
    QTest::addColumn<ErrorCode>("code"); // None: success
    QTest::addColumn<QString>("providerError");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<qint64>("expiresIn"); // -1: none
    QTest::addColumn<QStringList>("granted");
    QTest::addColumn<bool>("scopeOmitted");

    const QString space = QStringLiteral(" ");
    const QStringList none;
    QTest::newRow("full-answer")
        << 200
        << QByteArray(R"({"access_token":"at","refresh_token":"rt","id_token":"it",)"
                      R"("token_type":"Bearer","expires_in":3600,"scope":"openid profile"})")
        << QString() << space << ErrorCode::None << QString() << 0 << qint64(3600) << kRequested
        << false;
    QTest::newRow("expires-in-as-string")
        << 200 << QByteArray(R"({"access_token":"at","expires_in":"5183999","scope":"openid"})")
        << QString() << space << ErrorCode::None << QString() << 0 << qint64(5183999)
        << QStringList{QStringLiteral("openid")} << false;
    QTest::newRow("expires-in-not-a-number")
        << 200 << QByteArray(R"({"access_token":"at","expires_in":"soon"})") << QString() << space
        << ErrorCode::MalformedResponse << QString() << 0 << qint64(-1) << none << false;
    QTest::newRow("expires-in-negative")
        << 200 << QByteArray(R"({"access_token":"at","expires_in":-5})") << QString() << space
        << ErrorCode::MalformedResponse << QString() << 0 << qint64(-1) << none << false;
    QTest::newRow("no-expires-in")
        << 200 << QByteArray(R"({"access_token":"at"})") << QString() << space << ErrorCode::None
        << QString() << 0 << qint64(-1) << kRequested << true;
    QTest::newRow("scope-comma-separated")
        << 200 << QByteArray(R"({"access_token":"at","scope":"r_basicprofile,w_member_social"})")
        << QString() << QStringLiteral(", ") << ErrorCode::None << QString() << 0 << qint64(-1)
        << QStringList{QStringLiteral("r_basicprofile"), QStringLiteral("w_member_social")}
        << false;
    QTest::newRow("scope-omitted-means-requested")
        << 200 << QByteArray(R"({"access_token":"at","token_type":"bearer"})") << QString() << space
        << ErrorCode::None << QString() << 0 << qint64(-1) << kRequested << true;
    QTest::newRow("instagram-data-wrapper")
        << 200
        << QByteArray(
               R"({"data":[{"access_token":"IGQ","user_id":"17841",)"
               R"("permissions":"instagram_business_basic,instagram_business_content_publish"}]})")
        << QStringLiteral("data") << QStringLiteral(",") << ErrorCode::None << QString() << 0
        << qint64(-1)
        << QStringList{QStringLiteral("instagram_business_basic"),
                       QStringLiteral("instagram_business_content_publish")}
        << false;
    QTest::newRow("http-400-invalid-grant")
        << 400 << QByteArray(R"({"error":"invalid_grant","error_description":"Code expired"})")
        << QString() << space << ErrorCode::HttpError << QStringLiteral("invalid_grant") << 400
        << qint64(-1) << none << false;
    QTest::newRow("http-401-empty")
        << 401 << QByteArray() << QString() << space << ErrorCode::HttpError << QString() << 401
        << qint64(-1) << none << false;
    QTest::newRow("http-302-not-followed")
        << 302 << QByteArray() << QString() << space << ErrorCode::HttpError << QString() << 302
        << qint64(-1) << none << false;
    QTest::newRow("http-500-html")
        << 500 << QByteArray("<html>oops</html>") << QString() << space << ErrorCode::HttpError
        << QString() << 500 << qint64(-1) << none << false;
    QTest::newRow("http-503-json")
        << 503 << QByteArray(R"({"error":"temporarily_unavailable"})") << QString() << space
        << ErrorCode::HttpError << QStringLiteral("temporarily_unavailable") << 503 << qint64(-1)
        << none << false;
    QTest::newRow("error-body-with-200")
        << 200 << QByteArray(R"({"error":"invalid_request","error_description":"Bad","log_id":1})")
        << QString() << space << ErrorCode::ErrorResponse << QStringLiteral("invalid_request") << 0
        << qint64(-1) << none << false;
    QTest::newRow("non-json") << 200 << QByteArray("access_token=at&expires_in=3600") << QString()
                              << space << ErrorCode::MalformedResponse << QString() << 0
                              << qint64(-1) << none << false;
    QTest::newRow("json-array") << 200 << QByteArray("[1,2]") << QString() << space
                                << ErrorCode::MalformedResponse << QString() << 0 << qint64(-1)
                                << none << false;
    QTest::newRow("no-access-token")
        << 200 << QByteArray(R"({"token_type":"Bearer","expires_in":60})") << QString() << space
        << ErrorCode::MissingAccessToken << QString() << 0 << qint64(-1) << none << false;
    QTest::newRow("empty-access-token")
        << 200 << QByteArray(R"({"access_token":""})") << QString() << space
        << ErrorCode::MissingAccessToken << QString() << 0 << qint64(-1) << none << false;
}

void TestTokenClient::answersAreTyped()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, wrapper);
    QFETCH(QString, separators);
    QFETCH(ErrorCode, code);
    QFETCH(QString, providerError);
    QFETCH(int, httpStatus);
    QFETCH(qint64, expiresIn);
    QFETCH(QStringList, granted);
    QFETCH(bool, scopeOmitted);

    m_server->respond(status, body, body.startsWith('<') ? "text/html" : "application/json");
    TokenEndpoint target = endpoint();
    target.tokenResponseWrapper = wrapper;
    target.responseScopeSeparators = separators;
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    exchange(client, target, outcome);
    if (QTest::currentTestFailed())
        return;

    const Result<TokenResponse> &result = *outcome.result;
    if (code != ErrorCode::None) {
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, code);
        QCOMPARE(result.error().providerError, providerError);
        QCOMPARE(result.error().httpStatus, httpStatus);
        QVERIFY(!result.error().message.isEmpty());
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.error().detail));
    QVERIFY(!result.value().accessToken.isEmpty());
    QCOMPARE(result.value().expiresInSeconds.value_or(-1), expiresIn);
    QCOMPARE(result.value().grantedScopes, granted);
    QCOMPARE(result.value().scopeOmitted, scopeOmitted);
}

void TestTokenClient::codeIsPercentEncodedOnce()
{
    // Google's codes start "4/"; Qt 6.4's flow sends them as code=4%252F...
    m_server->respond(200, R"({"access_token":"at"})");
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    exchange(client, endpoint(), outcome, "4/0AeaY+x y%2F");
    if (QTest::currentTestFailed())
        return;
    QVERIFY(outcome.result->ok());
    QCOMPARE(m_server->requests().size(), 1);
    const FakeHttpServer::Request &request = m_server->requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.target, QByteArray("/token"));
    QVERIFY2(request.body.contains("code=4%2F0AeaY%2Bx%20y%252F&"), request.body.constData());
    QCOMPARE(request.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
    QCOMPARE(request.header("Accept"), QByteArray("application/json"));
    QVERIFY(request.header("Authorization").isEmpty());
    const QMultiMap<QByteArray, QByteArray> expected{
        {"grant_type", "authorization_code"},
        {"code", "4/0AeaY+x y%2F"},
        {"redirect_uri", "http://127.0.0.1:5000/api/integrations/social/callback"},
        {"code_verifier", "verifier-0123456789-0123456789-0123456789-abc"},
        {"client_id", "easycrm-desktop"}};
    QCOMPARE(formFields(request.body), expected);
}

void TestTokenClient::clientIdParameterIsRenamed()
{
    // TikTok: client_key, and the secret in the body.
    m_server->respond(200, R"({"access_token":"at","scope":"user.info.basic"})");
    TokenEndpoint tiktok = endpoint();
    tiktok.clientIdParameter = QStringLiteral("client_key");
    tiktok.clientSecret = "s3cr+t/";
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    exchange(client, tiktok, outcome);
    if (QTest::currentTestFailed())
        return;
    const QMultiMap<QByteArray, QByteArray> fields = formFields(m_server->requests().first().body);
    QCOMPARE(fields.values("client_key"), QByteArrayList{"easycrm-desktop"});
    QCOMPARE(fields.values("client_secret"), QByteArrayList{"s3cr+t/"});
    QVERIFY(!fields.contains("client_id"));
    QVERIFY(m_server->requests().first().body.contains("client_secret=s3cr%2Bt%2F"));
}

void TestTokenClient::basicAuthenticationFormEncodesFirst()
{
    m_server->respond(200, R"({"access_token":"at"})");
    TokenEndpoint x = endpoint();
    x.auth = TokenEndpointAuth::Basic;
    x.clientId = QStringLiteral("id:with space");
    x.clientSecret = "p@ss/word+";
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    exchange(client, x, outcome);
    if (QTest::currentTestFailed())
        return;
    const FakeHttpServer::Request &request = m_server->requests().first();
    // RFC 6749 §2.3.1: form-urlencode id and secret, then join with ':' and base64.
    QCOMPARE(request.header("Authorization"),
             "Basic " + QByteArray("id%3Awith%20space:p%40ss%2Fword%2B").toBase64());
    const QMultiMap<QByteArray, QByteArray> fields = formFields(request.body);
    QVERIFY(!fields.contains("client_id"));
    QVERIFY(!fields.contains("client_secret"));
}

void TestTokenClient::refreshSendsTheRefreshGrant()
{
    m_server->respond(200, R"({"access_token":"at2","refresh_token":"rt2","expires_in":7200})");
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.refresh(endpoint(), "rt/1+", kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QVERIFY(outcome.result->ok());
    QCOMPARE(outcome.result->value().refreshToken, QByteArray("rt2"));
    QCOMPARE(outcome.result->value().grantedScopes, kRequested);
    const QMultiMap<QByteArray, QByteArray> expected{{"grant_type", "refresh_token"},
                                                     {"refresh_token", "rt/1+"},
                                                     {"client_id", "easycrm-desktop"}};
    QCOMPARE(formFields(m_server->requests().first().body), expected);
}

void TestTokenClient::refreshAfterAFailedRefresh()
{
    // Qt 6.4's flow stays in RefreshingToken after a failed refresh and refuses the next one.
    m_server->respond(400, R"({"error":"invalid_grant"})");
    m_server->respond(200, R"({"access_token":"at2"})");
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> first;
    client.refresh(endpoint(), "rt", kRequested, first.callback());
    QTRY_VERIFY(first.result.has_value());
    QCOMPARE(first.result->error().providerError, QStringLiteral("invalid_grant"));
    Outcome<TokenResponse> second;
    client.refresh(endpoint(), "rt", kRequested, second.callback());
    QTRY_VERIFY(second.result.has_value());
    QVERIFY(second.result->ok());
    QCOMPARE(m_server->requests().size(), 2);
}

void TestTokenClient::timesOutOnASilentServer()
{
    m_server->stayMute();
    TokenClient client(m_nam.get());
    client.setTimeout(300ms);
    Outcome<TokenResponse> outcome;
    client.exchangeCode(endpoint(), "abc", QUrl(QStringLiteral("http://127.0.0.1:1/cb")),
                        "verifier", kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QCOMPARE(m_server->requests().size(), 1);
    QCOMPARE(outcome.result->error().code, ErrorCode::Timeout);
}

void TestTokenClient::unreachableEndpointIsANetworkError()
{
    TokenEndpoint closed = endpoint();
    m_server.reset(); // nothing listens on that port any more
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.refresh(closed, "rt", kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QCOMPARE(outcome.result->error().code, ErrorCode::NetworkError);
}

void TestTokenClient::plainHttpToAnotherHostIsRefused()
{
    TokenEndpoint remote = endpoint();
    remote.url = QUrl(QStringLiteral("http://token.example/token"));
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.refresh(remote, "rt", kRequested, outcome.callback());
    QCOMPARE(outcome.calls, 0);
    QTRY_VERIFY(outcome.result.has_value());
    QCOMPARE(outcome.result->error().code, ErrorCode::NetworkError);
}

void TestTokenClient::revokes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("isRefreshToken");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("ok-empty-body") << 200 << QByteArray() << true << ErrorCode::None;
    QTest::newRow("ok-json-body") << 200 << QByteArray("{}") << false << ErrorCode::None;
    QTest::newRow("unsupported-token-type")
        << 400 << QByteArray(R"({"error":"unsupported_token_type"})") << true
        << ErrorCode::HttpError;
    QTest::newRow("unavailable") << 503 << QByteArray() << true << ErrorCode::HttpError;
}

void TestTokenClient::revokes()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, isRefreshToken);
    QFETCH(ErrorCode, code);
    m_server->respond(status, body);
    TokenClient client(m_nam.get());
    Outcome<void> outcome;
    client.revoke(endpoint(), "tok/en+", isRefreshToken, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QCOMPARE(outcome.result->ok() ? ErrorCode::None : outcome.result->error().code, code);
    // RFC 7009 §2.1.
    const QMultiMap<QByteArray, QByteArray> expected{
        {"token", "tok/en+"},
        {"token_type_hint", isRefreshToken ? "refresh_token" : "access_token"},
        {"client_id", "easycrm-desktop"}};
    QCOMPARE(formFields(m_server->requests().first().body), expected);
}

void TestTokenClient::callsBackOnceAndNeverSynchronously()
{
    m_server->respond(200, R"({"access_token":"at"})");
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.refresh(endpoint(), "rt", kRequested, outcome.callback());
    QCOMPARE(outcome.calls, 0);
    QTRY_COMPARE(outcome.calls, 1);
    QVERIFY(!QTest::qWaitFor([&outcome] { return outcome.calls > 1; }, 200));
}

void TestTokenClient::destroyedClientNeverCallsBack()
{
    m_server->stayMute();
    Outcome<TokenResponse> underWay;
    Outcome<TokenResponse> refused;
    auto client = std::make_unique<TokenClient>(m_nam.get());
    client->refresh(endpoint(), "rt", kRequested, underWay.callback());
    QTRY_COMPARE(m_server->requests().size(), 1);
    // Refused before any request: its answer is queued, and must die with the client.
    TokenEndpoint remote = endpoint();
    remote.url = QUrl(QStringLiteral("http://token.example/token"));
    client->refresh(remote, "rt", kRequested, refused.callback());

    client.reset();

    QVERIFY(!QTest::qWaitFor([&] { return underWay.calls + refused.calls > 0; }, 300));
}

void TestTokenClient::noSecretInErrorsOrLogs()
{
    const QByteArray code = "4/0AeaYSHBcodecodecode";
    const QByteArray verifier = "verifier-0123456789-0123456789-0123456789-abc";
    const QByteArray secret = "client-secret-value-1234";
    // A provider that echoes what it was sent in its error description.
    m_server->respond(400, R"({"error":"invalid_grant","error_description":"code )" + code +
                               " verifier " + verifier + " secret " + secret + R"("})");
    m_server->respond(200, R"({"access_token":"AT-secret-access-token-0001",)"
                           R"("refresh_token":"RT-secret-refresh-token-0001"})");
    TokenEndpoint withSecret = endpoint();
    withSecret.clientSecret = secret;
    LogCapture logs;
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> failed;
    client.exchangeCode(withSecret, code, QUrl(QStringLiteral("http://127.0.0.1:1/cb")), verifier,
                        kRequested, failed.callback());
    QTRY_VERIFY(failed.result.has_value());
    Outcome<TokenResponse> succeeded;
    client.refresh(withSecret, "RT-secret-refresh-token-0000", kRequested, succeeded.callback());
    QTRY_VERIFY(succeeded.result.has_value());

    const Error &error = failed.result->error();
    QCOMPARE(error.providerError, QStringLiteral("invalid_grant"));
    for (const QByteArray &value : {code, verifier, secret}) {
        QVERIFY(!error.message.contains(QString::fromLatin1(value)));
        QVERIFY2(!error.detail.contains(QString::fromLatin1(value)), qPrintable(error.detail));
        QVERIFY(!logs.mentions(value));
    }
    QVERIFY(!logs.messages().isEmpty());
    QVERIFY(!logs.mentions("AT-secret-access-token-0001"));
    QVERIFY(!logs.mentions("RT-secret-refresh-token-0001"));
    QVERIFY(!logs.mentions("RT-secret-refresh-token-0000"));
}

void TestTokenClient::facebookExtendsWithAFormPost()
{
    const QByteArray token = "EAAB-short+lived/token-0001";
    const QByteArray secret = "app-secret-value-1234";
    m_server->respond(200, R"({"access_token":"EAAB-long","token_type":"bearer",)"
                           R"("expires_in":5183944})");
    const ProviderDescriptor facebook =
        exchangingProvider("facebook", QStringLiteral("/v19.0/oauth/access_token"));
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.extendAccessToken(exchangeEndpointFor(facebook, QStringLiteral("1234"), secret),
                             *facebook.longLivedExchange, token, kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QVERIFY2(outcome.result->ok(), qPrintable(outcome.result->error().detail));
    QCOMPARE(outcome.result->value().accessToken, QByteArray("EAAB-long"));
    QCOMPARE(outcome.result->value().expiresInSeconds, std::optional<qint64>(5183944));
    QVERIFY(outcome.result->value().refreshToken.isEmpty());
    QCOMPARE(outcome.result->value().grantedScopes, kRequested);

    // The secret and the token travel in the form body only, never in the URL.
    const FakeHttpServer::Request &request = m_server->requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.target, QByteArray("/v19.0/oauth/access_token"));
    QCOMPARE(request.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
    QVERIFY(request.header("Authorization").isEmpty());
    const QMultiMap<QByteArray, QByteArray> expected{{"grant_type", "fb_exchange_token"},
                                                     {"fb_exchange_token", token},
                                                     {"client_id", "1234"},
                                                     {"client_secret", secret}};
    QCOMPARE(formFields(request.body), expected);
}

void TestTokenClient::instagramExtendsWithAGetWhoseTokenIsRedacted()
{
    const QByteArray token = "IGQVJ-long+lived/token-0001";
    const QByteArray renewed = "IGQVJ-renewed-token-0002";
    m_server->respond(200, R"({"access_token":")" + renewed +
                               R"(","token_type":"bearer","expires_in":5183944})");
    const ProviderDescriptor instagram =
        exchangingProvider("instagram", QStringLiteral("/refresh_access_token"));
    LogCapture logs;
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.extendAccessToken(exchangeEndpointFor(instagram, QStringLiteral("1234"), "secret-1"),
                             *instagram.longLivedExchange, token, kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QVERIFY2(outcome.result->ok(), qPrintable(outcome.result->error().detail));
    QCOMPARE(outcome.result->value().accessToken, renewed);
    QCOMPARE(outcome.result->value().expiresInSeconds, std::optional<qint64>(5183944));

    // 1. What Instagram documents: the grant and the token in the query, nothing else.
    const FakeHttpServer::Request &request = m_server->requests().first();
    QCOMPARE(request.method, QByteArray("GET"));
    QCOMPARE(request.target, "/refresh_access_token?grant_type=ig_refresh_token&access_token=" +
                                 token.toPercentEncoding());
    QVERIFY(request.body.isEmpty());
    QVERIFY(!request.target.contains("client"));

    // 2. The URL is logged for diagnostics, but never with the token (nor the new one).
    QVERIFY(!logs.mentions(token));
    QVERIFY(!logs.mentions(renewed));
    QVERIFY(!logs.mentions("secret-1"));
    const QStringList lines = logs.messages();
    QVERIFY2(std::any_of(lines.begin(), lines.end(),
                         [](const QString &line) {
                             return line.contains(u"127.0.0.1/refresh_access_token with "
                                                  u"grant_type=ig_refresh_token&"
                                                  u"access_token=[redacted]");
                         }),
             qPrintable(lines.join(u'\n')));
}

void TestTokenClient::getJoinsTheEndpointsOwnQuery()
{
    m_server->respond(200, R"({"access_token":"at2"})");
    ProviderDescriptor instagram =
        exchangingProvider("instagram", QStringLiteral("/refresh?v=19.0&x=a%2Bb"));
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.extendAccessToken(exchangeEndpointFor(instagram, QStringLiteral("1234")),
                             *instagram.longLivedExchange, "to ken&=", kRequested,
                             outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QVERIFY(outcome.result->ok());
    QCOMPARE(m_server->requests().first().target,
             QByteArray("/refresh?v=19.0&x=a%2Bb&grant_type=ig_refresh_token&"
                        "access_token=to%20ken%26%3D"));
}

void TestTokenClient::exchangeFailuresAreTyped_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("providerError");
    QTest::addColumn<int>("httpStatus");

    // Graph's answer for a dead token, echoing the token in its message.
    QTest::newRow("graph-400-expired-token")
        << 400
        << QByteArray(R"({"error":{"message":"Error validating access token: EAAB-short+lived/)"
                      R"(token-0001 has expired","type":"OAuthException","code":190,)"
                      R"("error_subcode":463,"fbtrace_id":"AbC"}})")
        << ErrorCode::HttpError << u"OAuthException"_qs << 400;
    QTest::newRow("graph-400-app-rate-limit")
        << 400
        << QByteArray(R"({"error":{"message":"(#4) Application request limit reached",)"
                      R"("type":"OAuthException","code":4,"is_transient":true}})")
        << ErrorCode::HttpError << u"temporarily_unavailable"_qs << 400;
    QTest::newRow("graph-403-user-rate-limit")
        << 403
        << QByteArray(R"({"error":{"message":"(#17) User request limit reached",)"
                      R"("type":"OAuthException","code":17}})")
        << ErrorCode::HttpError << u"temporarily_unavailable"_qs << 403;
    QTest::newRow("graph-error-with-200")
        << 200 << QByteArray(R"({"error":{"type":"OAuthException","code":190}})")
        << ErrorCode::ErrorResponse << u"OAuthException"_qs << 0;
    QTest::newRow("oauth-invalid-token") << 401 << QByteArray(R"({"error":"invalid_token"})")
                                         << ErrorCode::HttpError << u"invalid_token"_qs << 401;
    QTest::newRow("http-500-html")
        << 500 << QByteArray("<html>oops</html>") << ErrorCode::HttpError << QString() << 500;
    QTest::newRow("no-access-token") << 200 << QByteArray(R"({"token_type":"bearer"})")
                                     << ErrorCode::MissingAccessToken << QString() << 0;
}

void TestTokenClient::exchangeFailuresAreTyped()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, providerError);
    QFETCH(int, httpStatus);

    const QByteArray token = "EAAB-short+lived/token-0001";
    const QByteArray secret = "app-secret-value-1234";
    m_server->respond(status, body, body.startsWith('<') ? "text/html" : "application/json");
    const ProviderDescriptor facebook =
        exchangingProvider("facebook", QStringLiteral("/oauth/access_token"));
    LogCapture logs;
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.extendAccessToken(exchangeEndpointFor(facebook, QStringLiteral("1234"), secret),
                             *facebook.longLivedExchange, token, kRequested, outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QVERIFY(!outcome.result->ok());
    const Error &error = outcome.result->error();
    QCOMPARE(error.code, code);
    QCOMPARE(error.providerError, providerError);
    QCOMPARE(error.httpStatus, httpStatus);
    QVERIFY(!error.message.isEmpty());
    for (const QByteArray &value : {token, secret}) {
        QVERIFY(!error.message.contains(QString::fromLatin1(value)));
        QVERIFY2(!error.detail.contains(QString::fromLatin1(value)), qPrintable(error.detail));
        QVERIFY(!logs.mentions(value));
    }
}

void TestTokenClient::exchangeTimesOut()
{
    m_server->stayMute();
    const ProviderDescriptor instagram =
        exchangingProvider("instagram", QStringLiteral("/refresh_access_token"));
    TokenClient client(m_nam.get());
    client.setTimeout(300ms);
    Outcome<TokenResponse> outcome;
    client.extendAccessToken(exchangeEndpointFor(instagram, QStringLiteral("1234")),
                             *instagram.longLivedExchange, "IGQ-token", kRequested,
                             outcome.callback());
    QTRY_VERIFY(outcome.result.has_value());
    QCOMPARE(m_server->requests().size(), 1);
    QCOMPARE(outcome.result->error().code, ErrorCode::Timeout);
    QVERIFY(!outcome.result->error().detail.contains(u"IGQ-token"));
}

void TestTokenClient::getNeverCarriesTheClientSecret()
{
    // A description the catalogue refuses; the client refuses it too, before any request.
    ProviderDescriptor instagram =
        exchangingProvider("instagram", QStringLiteral("/refresh_access_token"));
    instagram.longLivedExchange->sendsClientCredentials = true;
    TokenClient client(m_nam.get());
    Outcome<TokenResponse> outcome;
    client.extendAccessToken(exchangeEndpointFor(instagram, QStringLiteral("1234"), "secret-1"),
                             *instagram.longLivedExchange, "IGQ-token", kRequested,
                             outcome.callback());
    QCOMPARE(outcome.calls, 0);
    QTRY_VERIFY(outcome.result.has_value());
    QCOMPARE(outcome.result->error().code, ErrorCode::InvalidConfiguration);
    QVERIFY(!QTest::qWaitFor([this] { return m_server->connectionCount() > 0; }, 100));
}

QTEST_GUILESS_MAIN(TestTokenClient)
#include "tst_tokenclient.moc"
