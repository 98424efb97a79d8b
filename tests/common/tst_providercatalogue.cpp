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

void TestProviderCatalogue::malformedCatalogueIsAnError_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("not-json") << QByteArray("providers: none");
    QTest::newRow("array-at-top") << QByteArray("[]");
    QTest::newRow("provider-without-key")
        << QByteArray(R"({"providers":[{"authorizeEndpoint":"https://a.example/auth"}]})");
    QTest::newRow("provider-without-authorize-endpoint")
        << QByteArray(R"({"providers":[{"key":"a"}]})");
}

void TestProviderCatalogue::malformedCatalogueIsAnError()
{
    QFETCH(QByteArray, json);
    const Result<ProviderCatalogue> parsed = ProviderCatalogue::fromJson(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::MalformedResponse);
}

QTEST_GUILESS_MAIN(TestProviderCatalogue)
#include "tst_providercatalogue.moc"
