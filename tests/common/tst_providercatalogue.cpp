#include "core/common/providercatalogue.h"

#include <QTest>

using namespace EasyCrm;

class TestProviderCatalogue final : public QObject
{
    Q_OBJECT

private slots:
    void builtInHoldsEveryProvider_data();
    void builtInHoldsEveryProvider();
    void providerQuirks();
    void longLivedExchanges();
    void loopbackExchangeEndpointIsAccepted();
    void malformedCatalogueIsAnError_data();
    void malformedCatalogueIsAnError();
};

void TestProviderCatalogue::builtInHoldsEveryProvider_data()
{
    QTest::addColumn<QString>("key");
    for (const char *key :
         {"sandbox", "linkedin", "x", "facebook", "instagram", "youtube", "tiktok", "mastodon"})
        QTest::newRow(key) << QString::fromLatin1(key);
}

void TestProviderCatalogue::builtInHoldsEveryProvider()
{
    QFETCH(QString, key);
    const ProviderDescriptor *provider = ProviderCatalogue::builtIn().find(key);
    QVERIFY(provider);
    QVERIFY(!provider->displayName.isEmpty());
    QVERIFY(provider->authorizeEndpoint.isValid());
    QVERIFY(!provider->profile.idPath.isEmpty());
    QVERIFY(!provider->defaultScopes.isEmpty());
}

void TestProviderCatalogue::providerQuirks()
{
    const ProviderCatalogue &catalogue = ProviderCatalogue::builtIn();
    QCOMPARE(catalogue.find(QStringLiteral("x"))->tokenEndpointAuth, TokenEndpointAuth::Basic);
    QCOMPARE(catalogue.find(QStringLiteral("x"))->redirectPort, RedirectPortRule::Fixed);
    QCOMPARE(catalogue.find(QStringLiteral("x"))->refreshTokens, RefreshTokenBehaviour::Rotating);
    QCOMPARE(catalogue.find(QStringLiteral("tiktok"))->clientIdParameter,
             QStringLiteral("client_key"));
    QCOMPARE(catalogue.find(QStringLiteral("tiktok"))->pkceChallenge,
             PkceChallengeEncoding::S256Hex);
    QCOMPARE(catalogue.find(QStringLiteral("linkedin"))->responseScopeSeparators,
             QStringLiteral(", "));
    QVERIFY(catalogue.find(QStringLiteral("youtube"))->refreshResponseOmitsRefreshToken);
    QCOMPARE(catalogue.find(QStringLiteral("instagram"))->tokenResponseWrapper,
             QStringLiteral("data"));
    QCOMPARE(catalogue.find(QStringLiteral("mastodon"))->refreshTokens,
             RefreshTokenBehaviour::None);
    QCOMPARE(catalogue.find(QStringLiteral("sandbox"))->refreshTokens,
             RefreshTokenBehaviour::Rotating);
    // Which providers publish an OpenID Connect discovery document at their issuer.
    for (const char *oidc : {"sandbox", "linkedin", "youtube"})
        QCOMPARE(catalogue.find(QString::fromLatin1(oidc))->protocol, ProviderProtocol::Oidc);
    for (const char *plain : {"x", "facebook", "instagram", "tiktok", "mastodon"})
        QCOMPARE(catalogue.find(QString::fromLatin1(plain))->protocol, ProviderProtocol::OAuth2);
    QVERIFY(!catalogue.find(QStringLiteral("myspace")));
}

void TestProviderCatalogue::longLivedExchanges()
{
    const ProviderCatalogue &catalogue = ProviderCatalogue::builtIn();

    // Facebook: POST with a form body, so the app secret never stands in a URL.
    const ProviderDescriptor *facebook = catalogue.find(QStringLiteral("facebook"));
    QCOMPARE(facebook->refreshTokens, RefreshTokenBehaviour::None);
    QVERIFY(facebook->longLivedExchange);
    QCOMPARE(facebook->longLivedExchange->endpoint,
             QUrl(QStringLiteral("https://graph.facebook.com/v19.0/oauth/access_token")));
    QCOMPARE(facebook->longLivedExchange->method, HttpMethod::Post);
    QCOMPARE(facebook->longLivedExchange->grantType, QStringLiteral("fb_exchange_token"));
    QCOMPARE(facebook->longLivedExchange->tokenParameter, QStringLiteral("fb_exchange_token"));
    QVERIFY(facebook->longLivedExchange->sendsClientCredentials);
    QVERIFY(facebook->longLivedExchange->responseWrapper.isEmpty());
    QCOMPARE(facebook->refreshLeadSeconds, 7 * 24 * 3600);

    // Instagram: GET with only the token; its refresh answer is not wrapped in "data", unlike
    // its code exchange.
    const ProviderDescriptor *instagram = catalogue.find(QStringLiteral("instagram"));
    QVERIFY(instagram->longLivedExchange);
    QCOMPARE(instagram->longLivedExchange->endpoint,
             QUrl(QStringLiteral("https://graph.instagram.com/refresh_access_token")));
    QCOMPARE(instagram->longLivedExchange->method, HttpMethod::Get);
    QCOMPARE(instagram->longLivedExchange->grantType, QStringLiteral("ig_refresh_token"));
    QCOMPARE(instagram->longLivedExchange->tokenParameter, QStringLiteral("access_token"));
    QVERIFY(!instagram->longLivedExchange->sendsClientCredentials);
    QVERIFY(instagram->longLivedExchange->responseWrapper.isEmpty());
    QCOMPARE(instagram->tokenResponseWrapper, QStringLiteral("data"));
    QCOMPARE(instagram->refreshLeadSeconds, 7 * 24 * 3600);

    for (const char *key : {"sandbox", "linkedin", "x", "youtube", "tiktok", "mastodon"})
        QVERIFY2(!catalogue.find(QString::fromLatin1(key))->longLivedExchange, key);
}

void TestProviderCatalogue::loopbackExchangeEndpointIsAccepted()
{
    // A test's endpoint on this computer may be plain http, like the Sandbox's token endpoint.
    const Result<ProviderCatalogue> parsed = ProviderCatalogue::fromJson(
        R"({"providers":[{"key":"a","authorizeEndpoint":"https://a.example/auth",)"
        R"("refreshTokens":"none","longLivedExchange":{"endpoint":"http://127.0.0.1:9/x",)"
        R"("method":"GET","grantType":"g","tokenParameter":"t","responseWrapper":"data"}}]})");
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().detail));
    const LongLivedExchange &exchange =
        *parsed.value().find(QStringLiteral("a"))->longLivedExchange;
    QCOMPARE(exchange.endpoint, QUrl(QStringLiteral("http://127.0.0.1:9/x")));
    QCOMPARE(exchange.method, HttpMethod::Get);
    QCOMPARE(exchange.responseWrapper, QStringLiteral("data"));
    QVERIFY(!exchange.sendsClientCredentials);
}

void TestProviderCatalogue::malformedCatalogueIsAnError_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("why"); // a part of the diagnostic detail
    QTest::newRow("not-json") << QByteArray("providers: none") << QString();
    QTest::newRow("array-at-top") << QByteArray("[]") << QString();
    QTest::newRow("provider-without-key")
        << QByteArray(R"({"providers":[{"authorizeEndpoint":"https://a.example/auth"}]})")
        << u"without key"_qs;
    QTest::newRow("provider-without-authorize-endpoint")
        << QByteArray(R"({"providers":[{"key":"a"}]})") << u"authorize endpoint"_qs;

    // A long-lived exchange the scheduler could not carry out safely.
    const auto exchange = [](const QByteArray &fields,
                             const QByteArray &refresh = "none") -> QByteArray {
        return QByteArray(R"({"providers":[{"key":"a","authorizeEndpoint":"https://a.example/",)"
                          R"("refreshTokens":")") +
               refresh + R"(","longLivedExchange":)" + fields + "}]}";
    };
    const QByteArray post = R"("method":"POST","grantType":"g","tokenParameter":"t")";
    const QByteArray https = R"({"endpoint":"https://g.example/x",)";
    QTest::newRow("exchange-as-a-bare-flag") << exchange("true") << u"not an object"_qs;
    QTest::newRow("exchange-without-endpoint")
        << exchange('{' + post + '}') << u"endpoint is not an https URL"_qs;
    QTest::newRow("exchange-endpoint-plain-http-remote")
        << exchange(R"({"endpoint":"http://graph.example/x",)" + post + '}')
        << u"endpoint is not an https URL"_qs;
    QTest::newRow("exchange-endpoint-loopback-lookalike-host")
        << exchange(R"({"endpoint":"http://127.0.0.1.example/x",)" + post + '}')
        << u"endpoint is not an https URL"_qs;
    QTest::newRow("exchange-method-put")
        << exchange(https + R"("method":"PUT","grantType":"g","tokenParameter":"t"})")
        << u"neither GET nor POST"_qs;
    QTest::newRow("exchange-method-missing")
        << exchange(https + R"("grantType":"g","tokenParameter":"t"})")
        << u"neither GET nor POST"_qs;
    QTest::newRow("exchange-without-grant-type")
        << exchange(https + R"("method":"POST","tokenParameter":"t"})")
        << u"lacks grantType or tokenParameter"_qs;
    QTest::newRow("exchange-without-token-parameter")
        << exchange(https + R"("method":"POST","grantType":"g"})")
        << u"lacks grantType or tokenParameter"_qs;
    QTest::newRow("exchange-get-with-client-secret")
        << exchange(https + R"("method":"GET","grantType":"g","tokenParameter":"t",)"
                            R"("sendsClientCredentials":true})")
        << u"client secret in a URL"_qs;
    QTest::newRow("exchange-beside-refresh-tokens")
        << exchange(https + post + '}', "rotating") << u"needs refreshTokens none"_qs;
}

void TestProviderCatalogue::malformedCatalogueIsAnError()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, why);
    const Result<ProviderCatalogue> parsed = ProviderCatalogue::fromJson(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::MalformedResponse);
    QVERIFY(!parsed.error().message.isEmpty());
    QVERIFY2(parsed.error().detail.contains(why), qPrintable(parsed.error().detail));
}

QTEST_GUILESS_MAIN(TestProviderCatalogue)
#include "tst_providercatalogue.moc"
