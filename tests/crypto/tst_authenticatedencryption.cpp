// The building blocks of the Data Protection format against shared/vectors/dataprotection.json
// (ASP.NET Core Data Protection test suite: encryptor and SP800-108 vectors).

#include "core/crypto/authenticatedencryption.h"
#include "tests/crypto/cryptotestsupport.h"

#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Crypto;
using namespace EasyCrm::CryptoTest;

class TestAuthenticatedEncryption final : public QObject
{
    Q_OBJECT

private slots:
    void contextHeaderIsDerivedAsTheServerDoes();
    void encryptorKnownAnswer();
    void encryptorKnownAnswerDecrypts();
    void sp800108KnownAnswers_data();
    void sp800108KnownAnswers();
    void sp800108RejectsImpossibleLengths_data();
    void sp800108RejectsImpossibleLengths();
    void additionalAuthenticatedDataExample();
    void purposeLengthIsSevenBitEncodedUtf8_data();
    void purposeLengthIsSevenBitEncodedUtf8();
    void keyIdUsesDotNetGuidByteOrder();
    void decryptRejects_data();
    void decryptRejects();
    void encryptRejectsWrongSizes_data();
    void encryptRejectsWrongSizes();
};

void TestAuthenticatedEncryption::contextHeaderIsDerivedAsTheServerDoes()
{
    const QByteArray expected = hex(vectors().value(u"context_header_aes256cbc_hmacsha256"));
    QCOMPARE(expected.size(), kContextHeaderSize);
    QCOMPARE(contextHeaderAes256CbcHmacSha256().toHex(), expected.toHex());
}

void TestAuthenticatedEncryption::encryptorKnownAnswer()
{
    const QJsonObject v = vector("encryptor_known_answer");
    auto output = encryptCbcHmac(utf8(v.value(u"master_key_utf8")), hex(v.value(u"plaintext")),
                                 hex(v.value(u"additional_authenticated_data")),
                                 hex(v.value(u"key_modifier")), hex(v.value(u"iv")));
    QVERIFY2(output.ok(), qPrintable(output.error().detail));
    QCOMPARE(output.value().toBase64(), v.value(u"expected_base64").toString().toLatin1());
}

void TestAuthenticatedEncryption::encryptorKnownAnswerDecrypts()
{
    const QJsonObject v = vector("encryptor_known_answer");
    const QByteArray aad = hex(v.value(u"additional_authenticated_data"));
    auto plaintext =
        decryptCbcHmac(utf8(v.value(u"master_key_utf8")), base64(v.value(u"expected_base64")), aad);
    QVERIFY2(plaintext.ok(), qPrintable(plaintext.error().detail));
    QCOMPARE(plaintext.value().toHex(), v.value(u"plaintext").toString().toLatin1());
}

void TestAuthenticatedEncryption::sp800108KnownAnswers_data()
{
    QTest::addColumn<QByteArray>("kdk");
    QTest::addColumn<int>("outputBytes");
    QTest::addColumn<QByteArray>("expected");

    const QJsonObject v = vector("sp800_108_ctr_hmacsha512");
    QByteArray longKdk(50000, '\0');
    for (int i = 0; i < longKdk.size(); ++i)
        longKdk[i] = char(i % 256);
    for (const QJsonValue &item : v.value(u"cases").toArray()) {
        const QJsonObject c = item.toObject();
        // A KDK longer than HMAC-SHA512's block is hashed first (RFC 2104 §2).
        const bool isLong = !c.contains(u"kdk_utf8");
        const int length = c.value(u"output_len").toInt();
        const QByteArray name = (isLong ? "kdk-50000-bytes-" : "kdk-short-") +
                                QByteArray::number(length) + "-bytes-out";
        QTest::newRow(name.constData()) << (isLong ? longKdk : utf8(c.value(u"kdk_utf8"))) << length
                                        << base64(c.value(u"expected_base64"));
    }
}

void TestAuthenticatedEncryption::sp800108KnownAnswers()
{
    QFETCH(QByteArray, kdk);
    QFETCH(int, outputBytes);
    QFETCH(QByteArray, expected);

    const QJsonObject v = vector("sp800_108_ctr_hmacsha512");
    const QByteArray context =
        utf8(v.value(u"context_header_utf8")) + utf8(v.value(u"context_utf8"));
    auto output = sp800108CtrHmacSha512(kdk, utf8(v.value(u"label_utf8")), context, outputBytes);
    QVERIFY(output.ok());
    QCOMPARE(output.value().size(), outputBytes);
    QCOMPARE(output.value().toBase64(), expected.toBase64());
}

void TestAuthenticatedEncryption::sp800108RejectsImpossibleLengths_data()
{
    QTest::addColumn<int>("outputBytes");
    QTest::newRow("zero-bytes") << 0;
    QTest::newRow("negative") << -1;
    // [L]_2 is a 32-bit count of bits.
    QTest::newRow("bit-length-overflows-32-bits") << (std::numeric_limits<int>::max() / 8 + 1);
}

void TestAuthenticatedEncryption::sp800108RejectsImpossibleLengths()
{
    QFETCH(int, outputBytes);
    auto output = sp800108CtrHmacSha512("kdk", "label", "context", outputBytes);
    QVERIFY(!output.ok());
    QCOMPARE(codeName(output.error().code), codeName(ErrorCode::CryptoFailure));
}

void TestAuthenticatedEncryption::additionalAuthenticatedDataExample()
{
    const QJsonObject v = vector("additional_authenticated_data_example");
    const QUuid keyId = QUuid::fromString(v.value(u"key_id").toString());
    const QByteArray aad = additionalAuthenticatedData(keyId, strings(v.value(u"purposes")));
    QCOMPARE(aad.toHex(), v.value(u"expected").toString().toLatin1());
}

void TestAuthenticatedEncryption::purposeLengthIsSevenBitEncodedUtf8_data()
{
    QTest::addColumn<QString>("purpose");
    QTest::addColumn<QByteArray>("expectedPrefix");

    // .NET BinaryWriter.Write(string): UTF-8 byte count, 7 bits per byte, low bits first.
    QTest::newRow("empty-purpose") << QString() << QByteArray::fromHex("00");
    QTest::newRow("127-bytes-one-length-byte") << QString(127, u'a') << QByteArray::fromHex("7f");
    QTest::newRow("128-bytes-two-length-bytes")
        << QString(128, u'a') << QByteArray::fromHex("8001");
    QTest::newRow("200-bytes") << QString(200, u'a') << QByteArray::fromHex("c801");
    QTest::newRow("16384-bytes-three-length-bytes")
        << QString(16384, u'a') << QByteArray::fromHex("808001");
    // Bytes, not characters: "é" is two UTF-8 bytes, "€" three.
    QTest::newRow("non-ascii-counts-utf8-bytes")
        << QStringLiteral("caf\u00e9 \u20ac") << QByteArray::fromHex("09");
}

void TestAuthenticatedEncryption::purposeLengthIsSevenBitEncodedUtf8()
{
    QFETCH(QString, purpose);
    QFETCH(QByteArray, expectedPrefix);

    const QUuid keyId = QUuid::fromString(u"ba73c9ce-d322-4e45-af90-341307e11c38");
    const QByteArray aad = additionalAuthenticatedData(keyId, {purpose});
    const QByteArray fixedPart =
        magicHeader() + keyIdToBytes(keyId) + QByteArray::fromHex("00000001");
    QVERIFY(aad.startsWith(fixedPart));
    QCOMPARE(aad.mid(fixedPart.size()).toHex(),
             QByteArray(expectedPrefix + purpose.toUtf8()).toHex());
}

void TestAuthenticatedEncryption::keyIdUsesDotNetGuidByteOrder()
{
    const QJsonObject v = vector("additional_authenticated_data_example");
    const QUuid keyId = QUuid::fromString(v.value(u"key_id").toString());
    QCOMPARE(keyIdToBytes(keyId).toHex(),
             v.value(u"key_id_bytes_dotnet_order").toString().toLatin1());
    QCOMPARE(keyIdFromBytes(keyIdToBytes(keyId)), keyId);
    QVERIFY(keyIdFromBytes(QByteArray(15, '\1')).isNull());
}

void TestAuthenticatedEncryption::decryptRejects_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<ErrorCode>("expected");

    const QJsonObject v = vector("encryptor_known_answer");
    const QByteArray good = base64(v.value(u"expected_base64"));
    const QByteArray aad = hex(v.value(u"additional_authenticated_data"));
    QByteArray flippedIv = good;
    flippedIv[kKeyModifierSize] = char(flippedIv[kKeyModifierSize] ^ 0x01);
    QByteArray flippedModifier = good;
    flippedModifier[0] = char(flippedModifier[0] ^ 0x80);

    QTest::newRow("other-aad") << good << QByteArray::fromHex("06050404") << ErrorCode::MacMismatch;
    QTest::newRow("iv-byte-flipped") << flippedIv << aad << ErrorCode::MacMismatch;
    QTest::newRow("key-modifier-flipped") << flippedModifier << aad << ErrorCode::MacMismatch;
    QTest::newRow("empty") << QByteArray() << aad << ErrorCode::PayloadInvalid;
    QTest::newRow("no-ciphertext-block") << good.left(64) << aad << ErrorCode::PayloadInvalid;
    QTest::newRow("ciphertext-not-whole-blocks")
        << good.chopped(1) << aad << ErrorCode::PayloadInvalid;
}

void TestAuthenticatedEncryption::decryptRejects()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, aad);
    QFETCH(ErrorCode, expected);

    auto plaintext = decryptCbcHmac("master key", payload, aad);
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(expected));
}

void TestAuthenticatedEncryption::encryptRejectsWrongSizes_data()
{
    QTest::addColumn<QByteArray>("masterKey");
    QTest::addColumn<QByteArray>("keyModifier");
    QTest::addColumn<QByteArray>("iv");

    const QByteArray sixteen(16, '\1');
    QTest::newRow("empty-master-key") << QByteArray() << sixteen << sixteen;
    QTest::newRow("short-key-modifier") << QByteArray(64, '\2') << QByteArray(15, '\1') << sixteen;
    QTest::newRow("long-iv") << QByteArray(64, '\2') << sixteen << QByteArray(17, '\1');
}

void TestAuthenticatedEncryption::encryptRejectsWrongSizes()
{
    QFETCH(QByteArray, masterKey);
    QFETCH(QByteArray, keyModifier);
    QFETCH(QByteArray, iv);

    auto output = encryptCbcHmac(masterKey, "plaintext", "aad", keyModifier, iv);
    QVERIFY(!output.ok());
    QCOMPARE(codeName(output.error().code), codeName(ErrorCode::CryptoFailure));
}

QTEST_GUILESS_MAIN(TestAuthenticatedEncryption)
#include "tst_authenticatedencryption.moc"
