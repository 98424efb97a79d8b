#include "core/oauth/pkce.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::OAuth;

Q_DECLARE_METATYPE(EasyCrm::PkceChallengeEncoding)

class TestPkce final : public QObject
{
    Q_OBJECT

private slots:
    void challengeKnownAnswers_data();
    void challengeKnownAnswers();
    void verifierIsUnreservedAndInRange_data();
    void verifierIsUnreservedAndInRange();
    void verifiersAreFresh();
    void stateCarries256RandomBits();
    void stateHashIsHexSha256();
};

void TestPkce::challengeKnownAnswers_data()
{
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<PkceChallengeEncoding>("encoding");
    QTest::addColumn<QByteArray>("challenge");

    // RFC 7636 Appendix B.
    const QByteArray rfcVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    QTest::newRow("rfc7636-appendix-b-s256")
        << rfcVerifier << PkceChallengeEncoding::S256
        << QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    // The same digest as TikTok wants it: lowercase hex (sha256sum of the verifier).
    QTest::newRow("rfc7636-verifier-s256-hex")
        << rfcVerifier << PkceChallengeEncoding::S256Hex
        << QByteArray("13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3");
}

void TestPkce::challengeKnownAnswers()
{
    QFETCH(QByteArray, verifier);
    QFETCH(PkceChallengeEncoding, encoding);
    QFETCH(QByteArray, challenge);
    QCOMPARE(pkceChallenge(verifier, encoding), challenge);
}

void TestPkce::verifierIsUnreservedAndInRange_data()
{
    QTest::addColumn<PkceChallengeEncoding>("encoding");
    QTest::addColumn<QString>("challengeShape");
    QTest::newRow("s256") << PkceChallengeEncoding::S256 << QStringLiteral("^[A-Za-z0-9_-]{43}$");
    QTest::newRow("s256-hex") << PkceChallengeEncoding::S256Hex << QStringLiteral("^[0-9a-f]{64}$");
}

void TestPkce::verifierIsUnreservedAndInRange()
{
    QFETCH(PkceChallengeEncoding, encoding);
    QFETCH(QString, challengeShape);
    // RFC 7636 §4.1: 43..128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~".
    static const QRegularExpression unreserved(QStringLiteral("^[A-Za-z0-9._~-]{43,128}$"));
    const QRegularExpression challengeRe(challengeShape);
    for (int i = 0; i < 50; ++i) {
        const Result<Pkce> pkce = makePkce(encoding);
        QVERIFY(pkce.ok());
        const QString verifier = QString::fromLatin1(pkce.value().verifier);
        QVERIFY2(unreserved.match(verifier).hasMatch(), qPrintable(verifier));
        // 64 random bytes, base64url without padding.
        QCOMPARE(verifier.size(), 86);
        QCOMPARE(
            QByteArray::fromBase64(pkce.value().verifier, QByteArray::Base64UrlEncoding).size(),
            64);
        QVERIFY(challengeRe.match(QString::fromLatin1(pkce.value().challenge)).hasMatch());
        QCOMPARE(pkce.value().challenge, pkceChallenge(pkce.value().verifier, encoding));
        QCOMPARE(pkce.value().method, QStringLiteral("S256"));
    }
}

void TestPkce::verifiersAreFresh()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 1000; ++i) {
        const Result<Pkce> pkce = makePkce(PkceChallengeEncoding::S256);
        QVERIFY(pkce.ok());
        seen.insert(pkce.value().verifier);
    }
    QCOMPARE(seen.size(), 1000);
}

void TestPkce::stateCarries256RandomBits()
{
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
    constexpr int kStates = 1000;
    QSet<QByteArray> seen;
    QList<int> setBits(256, 0);
    for (int i = 0; i < kStates; ++i) {
        const Result<QByteArray> state = makeState();
        QVERIFY(state.ok());
        QVERIFY2(shape.match(QString::fromLatin1(state.value())).hasMatch(),
                 "a state is 43 base64url characters");
        const QByteArray raw = QByteArray::fromBase64(state.value(), QByteArray::Base64UrlEncoding);
        QCOMPARE(raw.size(), 32);
        for (int bit = 0; bit < 256; ++bit)
            setBits[bit] += (static_cast<quint8>(raw.at(bit / 8)) >> (bit % 8)) & 1;
        seen.insert(state.value());
    }
    QCOMPARE(seen.size(), kStates);
    // Every one of the 256 bits varies: each is set in about half of the states. The band is
    // six standard deviations wide on each side, so only a stuck or biased bit fails it.
    for (int bit = 0; bit < 256; ++bit)
        QVERIFY2(setBits.at(bit) > 400 && setBits.at(bit) < 600, qPrintable(QString::number(bit)));
}

void TestPkce::stateHashIsHexSha256()
{
    // FIPS 180-2 Appendix B.1: SHA-256("abc").
    QCOMPARE(stateHash("abc"),
             QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    const Result<QByteArray> state = makeState();
    QVERIFY(state.ok());
    QCOMPARE(stateHash(state.value()).size(), 64);
    QVERIFY(stateHash(state.value()) != state.value());
}

QTEST_GUILESS_MAIN(TestPkce)
#include "tst_pkce.moc"
