// Protect and unprotect as the CRM server's ASP.NET Core Data Protection does: a real .NET 8
// payload, the derived vector of the product's own purposes, tampering and key ring rules.

#include "core/crypto/dataprotector.h"
#include "tests/crypto/cryptotestsupport.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Crypto;
using namespace EasyCrm::CryptoTest;

namespace {

const QDateTime kNow = utc("2024-06-01T12:00:00Z");
const QStringList kPurposes{QStringLiteral("EasyCrm"), kIntegrationTokensPurpose.toString()};

KeySpec keySpec(const QUuid &id, const QByteArray &secret, int activatedDaysAgo = 10,
                int expiresInDays = 80)
{
    return {id,
            kNow.addDays(-activatedDaysAgo),
            kNow.addDays(-activatedDaysAgo),
            kNow.addDays(expiresInDays),
            secret,
            {}};
}

KeyRing ringOf(const QStringList &elements)
{
    auto ring = KeyRing::fromXmlElements(elements);
    if (!ring)
        qFatal("test key ring rejected: %s", qPrintable(ring.error().detail));
    return std::move(ring).value();
}

QString toBase64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray fromBase64Url(const QString &text)
{
    return QByteArray::fromBase64(text.toLatin1(), QByteArray::Base64UrlEncoding);
}

// Messages of every category, captured while a test proves what the log never holds.
QStringList g_messages;
QMutex g_messagesMutex;
void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    const QMutexLocker lock(&g_messagesMutex);
    g_messages << message;
}

} // namespace

class TestDataProtector final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void unprotectsRealDotNet8Payload();
    void realPayloadUnderOtherPurposesIsMacMismatch();
    void protectWithReproducesDerivedPayload();
    void derivedPayloadUnprotects();
    void roundTripWithRandomModifiers_data();
    void roundTripWithRandomModifiers();
    void tamperedPayloadIsRefused_data();
    void tamperedPayloadIsRefused();
    void purposesIsolateValues_data();
    void purposesIsolateValues();
    void payloadUnderOlderStillValidKeyDecrypts();
    void payloadUnderExpiredKeyStillDecrypts();
    void payloadUnderUnknownKeyIsKeyNotFound();
    void payloadUnderRevokedKeyIsKeyRevoked_data();
    void payloadUnderRevokedKeyIsKeyRevoked();
    void payloadUnderUnreadableKeyIsKeyRingInvalid();
    void protectWithoutDefaultKeyIsNoDefaultKey_data();
    void protectWithoutDefaultKeyIsNoDefaultKey();
    void protectWithRejectsWrongSizes();
    void logNeverCarriesSecrets();

private:
    ManualClock m_clock{kNow};
    QUuid m_derivedKeyId;
    QByteArray m_derivedMasterKey;
    std::optional<DataProtector> m_derived;
};

void TestDataProtector::initTestCase()
{
    const QJsonObject v = vector("derived_payload");
    m_derivedKeyId = QUuid::fromString(v.value(u"key_id").toString());
    m_derivedMasterKey = hex(v.value(u"master_key"));
    QCOMPARE(strings(v.value(u"purposes")), kPurposes);
    m_derived.emplace(ringOf({keyElement(keySpec(m_derivedKeyId, m_derivedMasterKey))}), kPurposes,
                      m_clock);
}

void TestDataProtector::unprotectsRealDotNet8Payload()
{
    const QJsonObject v = vector("real_payload_dotnet8");
    const QUuid keyId = QUuid::fromString(v.value(u"key_id").toString());
    const DataProtector protector(
        ringOf({keyElement(keySpec(keyId, base64(v.value(u"master_key_base64"))))}),
        strings(v.value(u"purposes")), m_clock);

    auto plaintext = protector.unprotect(v.value(u"protected_base64url").toString());
    QVERIFY2(plaintext.ok(), qPrintable(plaintext.error().detail));
    QCOMPARE(plaintext.value(), utf8(v.value(u"plaintext_utf8")));
}

void TestDataProtector::realPayloadUnderOtherPurposesIsMacMismatch()
{
    const QJsonObject v = vector("real_payload_dotnet8");
    const QUuid keyId = QUuid::fromString(v.value(u"key_id").toString());
    const DataProtector protector(
        ringOf({keyElement(keySpec(keyId, base64(v.value(u"master_key_base64"))))}),
        {QStringLiteral("Test")}, m_clock);

    auto plaintext = protector.unprotect(v.value(u"protected_base64url").toString());
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(ErrorCode::MacMismatch));
}

void TestDataProtector::protectWithReproducesDerivedPayload()
{
    const QJsonObject v = vector("derived_payload");
    auto protectedValue = m_derived->protectWith(
        utf8(v.value(u"plaintext_utf8")), hex(v.value(u"key_modifier")), hex(v.value(u"iv")));
    QVERIFY2(protectedValue.ok(), qPrintable(protectedValue.error().detail));
    QCOMPARE(protectedValue.value(), v.value(u"protected_base64url").toString());
}

void TestDataProtector::derivedPayloadUnprotects()
{
    const QJsonObject v = vector("derived_payload");
    auto plaintext = m_derived->unprotect(v.value(u"protected_base64url").toString());
    QVERIFY2(plaintext.ok(), qPrintable(plaintext.error().detail));
    QCOMPARE(plaintext.value(), utf8(v.value(u"plaintext_utf8")));
}

void TestDataProtector::roundTripWithRandomModifiers_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one-byte") << QByteArray("x");
    QTest::newRow("exactly-one-block-gets-a-padding-block") << QByteArray(16, 'a');
    QTest::newRow("utf8-text") << QStringLiteral("jeton d\u2019acc\u00e8s \U0001F511").toUtf8();
    QTest::newRow("binary-with-nul-bytes") << QByteArray::fromHex("00ff00fe0001");
    QTest::newRow("long-jwt-sized") << QByteArray(4096, 'j');
}

void TestDataProtector::roundTripWithRandomModifiers()
{
    QFETCH(QByteArray, plaintext);

    auto first = m_derived->protect(plaintext);
    auto second = m_derived->protect(plaintext);
    QVERIFY(first.ok() && second.ok());
    // Version header and the key id's first bytes make every value start alike.
    QVERIFY(first.value().startsWith(u"CfDJ8"));
    QVERIFY(!first.value().contains(u'=') && !first.value().contains(u'+'));
    QVERIFY(first.value() != second.value());
    const QByteArray firstBytes = fromBase64Url(first.value());
    const QByteArray secondBytes = fromBase64Url(second.value());
    QCOMPARE(firstBytes.mid(4, 16), secondBytes.mid(4, 16));
    QVERIFY(firstBytes.mid(20, 16) != secondBytes.mid(20, 16));
    QVERIFY(firstBytes.mid(36, 16) != secondBytes.mid(36, 16));

    for (const QString &value : {first.value(), second.value()}) {
        auto back = m_derived->unprotect(value);
        QVERIFY2(back.ok(), qPrintable(back.error().detail));
        QCOMPARE(back.value(), plaintext);
    }
}

void TestDataProtector::tamperedPayloadIsRefused_data()
{
    QTest::addColumn<QString>("protectedValue");
    QTest::addColumn<ErrorCode>("expected");

    // 4 magic | 16 key id | 16 modifier | 16 IV | 48 ciphertext | 32 MAC = 132 bytes.
    auto good = m_derived->protect(QByteArray(40, 't'));
    QVERIFY(good.ok());
    const QByteArray bytes = fromBase64Url(good.value());
    QCOMPARE(bytes.size(), 132);
    const auto flipped = [&bytes](int offset) {
        QByteArray copy = bytes;
        copy[offset] = char(copy[offset] ^ 0x04);
        return toBase64Url(copy);
    };

    QTest::newRow("magic-byte-flipped") << flipped(0) << ErrorCode::PayloadInvalid;
    QTest::newRow("key-id-byte-flipped") << flipped(4) << ErrorCode::KeyNotFound;
    QTest::newRow("key-modifier-byte-flipped") << flipped(20) << ErrorCode::MacMismatch;
    QTest::newRow("iv-byte-flipped") << flipped(36) << ErrorCode::MacMismatch;
    QTest::newRow("first-ciphertext-byte-flipped") << flipped(52) << ErrorCode::MacMismatch;
    QTest::newRow("last-ciphertext-byte-flipped") << flipped(99) << ErrorCode::MacMismatch;
    QTest::newRow("mac-byte-flipped") << flipped(131) << ErrorCode::MacMismatch;
    QTest::newRow("truncated-by-one-byte")
        << toBase64Url(bytes.chopped(1)) << ErrorCode::PayloadInvalid;
    QTest::newRow("truncated-by-one-block")
        << toBase64Url(bytes.chopped(16)) << ErrorCode::MacMismatch;
    QTest::newRow("truncated-to-header")
        << toBase64Url(bytes.left(20)) << ErrorCode::PayloadInvalid;
    QTest::newRow("truncated-below-minimum")
        << toBase64Url(bytes.left(83)) << ErrorCode::PayloadInvalid;
    QTest::newRow("extra-byte-appended") << toBase64Url(bytes + '\0') << ErrorCode::PayloadInvalid;
    QTest::newRow("empty-string") << QString() << ErrorCode::PayloadInvalid;
    QTest::newRow("not-base64") << QStringLiteral("CfDJ8 not base64!") << ErrorCode::PayloadInvalid;
    QTest::newRow("standard-base64-alphabet")
        << QString(good.value()).replace(u'-', u'+').replace(u'_', u'/') + u'+'
        << ErrorCode::PayloadInvalid;
    QTest::newRow("impossible-base64-length") << good.value() + u'A' << ErrorCode::PayloadInvalid;
    QTest::newRow("plaintext-not-a-payload")
        << QStringLiteral("ya29.a0AfH6SMB") << ErrorCode::PayloadInvalid;
}

void TestDataProtector::tamperedPayloadIsRefused()
{
    QFETCH(QString, protectedValue);
    QFETCH(ErrorCode, expected);

    auto plaintext = m_derived->unprotect(protectedValue);
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(expected));
    QVERIFY(!plaintext.error().message.isEmpty());
}

void TestDataProtector::purposesIsolateValues_data()
{
    QTest::addColumn<QStringList>("otherPurposes");
    QTest::newRow("purpose-missing") << QStringList{QStringLiteral("EasyCrm")};
    QTest::newRow("purposes-swapped") << QStringList{kPurposes.at(1), kPurposes.at(0)};
    QTest::newRow("other-application-name")
        << QStringList{QStringLiteral("OtherCrm"), kPurposes.at(1)};
    QTest::newRow("purpose-case-differs")
        << QStringList{kPurposes.at(0), kPurposes.at(1).toLower()};
    QTest::newRow("one-purpose-more") << QStringList(kPurposes) + QStringList{QStringLiteral("x")};
}

void TestDataProtector::purposesIsolateValues()
{
    QFETCH(QStringList, otherPurposes);

    auto protectedValue = m_derived->protect("access-token");
    QVERIFY(protectedValue.ok());
    const DataProtector other(m_derived->keyRing(), otherPurposes, m_clock);
    auto plaintext = other.unprotect(protectedValue.value());
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(ErrorCode::MacMismatch));
}

void TestDataProtector::payloadUnderOlderStillValidKeyDecrypts()
{
    const QUuid oldId = QUuid::fromString(u"11111111-1111-4111-8111-111111111111");
    const QUuid newId = QUuid::fromString(u"22222222-2222-4222-8222-222222222222");
    // The newer key activates in five days; until then the older one protects.
    const QStringList elements{keyElement(keySpec(oldId, QByteArray(64, 'o'), 60, 30)),
                               keyElement(keySpec(newId, QByteArray(64, 'n'), -5, 95))};
    ManualClock clock(kNow);
    const DataProtector protector(ringOf(elements), kPurposes, clock);

    auto underOld = protector.protect("refresh-token");
    QVERIFY(underOld.ok());
    QCOMPARE(keyIdFromBytes(fromBase64Url(underOld.value()).mid(4, 16)), oldId);

    clock.advance(6 * 24 * 3600);
    auto underNew = protector.protect("refresh-token");
    QVERIFY(underNew.ok());
    QCOMPARE(keyIdFromBytes(fromBase64Url(underNew.value()).mid(4, 16)), newId);
    auto plaintext = protector.unprotect(underOld.value());
    QVERIFY2(plaintext.ok(), qPrintable(plaintext.error().detail));
    QCOMPARE(plaintext.value(), QByteArray("refresh-token"));
}

void TestDataProtector::payloadUnderExpiredKeyStillDecrypts()
{
    auto protectedValue = m_derived->protect("refresh-token");
    QVERIFY(protectedValue.ok());
    // Expiry ends encryption only; the server still decrypts with expired keys.
    ManualClock later(kNow.addDays(365));
    const DataProtector protector(m_derived->keyRing(), kPurposes, later);
    QCOMPARE(protector.keyRing().defaultKey(later.nowUtc()), nullptr);
    auto plaintext = protector.unprotect(protectedValue.value());
    QVERIFY(plaintext.ok());
    QCOMPARE(plaintext.value(), QByteArray("refresh-token"));
}

void TestDataProtector::payloadUnderUnknownKeyIsKeyNotFound()
{
    auto protectedValue = m_derived->protect("refresh-token");
    QVERIFY(protectedValue.ok());
    const QUuid otherId = QUuid::fromString(u"44444444-4444-4444-8444-444444444444");
    const DataProtector otherRing(ringOf({keyElement(keySpec(otherId, m_derivedMasterKey))}),
                                  kPurposes, m_clock);

    auto plaintext = otherRing.unprotect(protectedValue.value());
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(ErrorCode::KeyNotFound));
    QVERIFY(plaintext.error().detail.contains(m_derivedKeyId.toString(QUuid::WithoutBraces)));
}

void TestDataProtector::payloadUnderRevokedKeyIsKeyRevoked_data()
{
    QTest::addColumn<QString>("revokedId");
    QTest::newRow("this-key-revoked") << QStringLiteral("ba73c9ce-d322-4e45-af90-341307e11c38");
    QTest::newRow("all-keys-revoked") << QStringLiteral("*");
}

void TestDataProtector::payloadUnderRevokedKeyIsKeyRevoked()
{
    QFETCH(QString, revokedId);

    auto protectedValue = m_derived->protect("refresh-token");
    QVERIFY(protectedValue.ok());
    const DataProtector revoked(ringOf({keyElement(keySpec(m_derivedKeyId, m_derivedMasterKey)),
                                        revocationElement(revokedId, kNow)}),
                                kPurposes, m_clock);

    auto plaintext = revoked.unprotect(protectedValue.value());
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(ErrorCode::KeyRevoked));
    auto again = revoked.protect("new-token");
    QVERIFY(!again.ok());
    QCOMPARE(codeName(again.error().code), codeName(ErrorCode::NoDefaultKey));
}

void TestDataProtector::payloadUnderUnreadableKeyIsKeyRingInvalid()
{
    auto protectedValue = m_derived->protect("refresh-token");
    QVERIFY(protectedValue.ok());
    KeySpec spec = keySpec(m_derivedKeyId, {});
    spec.innerDescriptor = QStringLiteral("<descriptor><encryption algorithm=\"AES_256_CBC\"/>"
                                          "<validation algorithm=\"HMACSHA256\"/><masterKey>"
                                          "<encryptedSecret decryptorType=\"x\"/></masterKey>"
                                          "</descriptor>");
    const DataProtector protector(ringOf({keyElement(spec)}), kPurposes, m_clock);

    auto plaintext = protector.unprotect(protectedValue.value());
    QVERIFY(!plaintext.ok());
    QCOMPARE(codeName(plaintext.error().code), codeName(ErrorCode::KeyRingInvalid));
}

void TestDataProtector::protectWithoutDefaultKeyIsNoDefaultKey_data()
{
    QTest::addColumn<QStringList>("elements");
    QTest::newRow("empty-ring") << QStringList();
    QTest::newRow("only-expired-key")
        << QStringList{keyElement(keySpec(m_derivedKeyId, m_derivedMasterKey, 100, -10))};
    QTest::newRow("only-future-key")
        << QStringList{keyElement(keySpec(m_derivedKeyId, m_derivedMasterKey, -1, 90))};
}

void TestDataProtector::protectWithoutDefaultKeyIsNoDefaultKey()
{
    QFETCH(QStringList, elements);
    const DataProtector protector(ringOf(elements), kPurposes, m_clock);
    auto protectedValue = protector.protect("token");
    QVERIFY(!protectedValue.ok());
    QCOMPARE(codeName(protectedValue.error().code), codeName(ErrorCode::NoDefaultKey));
}

void TestDataProtector::protectWithRejectsWrongSizes()
{
    auto protectedValue =
        m_derived->protectWith("token", QByteArray(8, '\0'), QByteArray(16, '\0'));
    QVERIFY(!protectedValue.ok());
    QCOMPARE(codeName(protectedValue.error().code), codeName(ErrorCode::CryptoFailure));
}

void TestDataProtector::logNeverCarriesSecrets()
{
    const QByteArray plaintext("plain-refresh-token-value");
    QLoggingCategory::setFilterRules(QStringLiteral("easycrm.crypto.debug=true"));
    g_messages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);

    auto protectedValue = m_derived->protect(plaintext);
    auto plaintextBack = m_derived->unprotect(protectedValue.value());
    QString tampered = protectedValue.value();
    tampered[40] = tampered[40] == u'A' ? u'B' : u'A';
    auto refused = m_derived->unprotect(tampered);
    auto newKey = KeyRing::newKeyXml(QUuid::createUuid(), kNow);

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY(plaintextBack.ok() && !refused.ok() && newKey.ok());
    const QString all = g_messages.join(u'\n');
    QVERIFY2(all.contains(m_derivedKeyId.toString(QUuid::WithoutBraces)), qPrintable(all));
    const QStringList secrets{QString::fromLatin1(plaintext),
                              protectedValue.value().mid(10, 30),
                              tampered.mid(10, 30),
                              QString::fromLatin1(m_derivedMasterKey.toHex()),
                              QString::fromLatin1(m_derivedMasterKey.toBase64().left(20)),
                              newKey.value().section(QStringLiteral("<value>"), 1).left(20)};
    for (const QString &secret : secrets)
        QVERIFY2(!all.contains(secret), qPrintable(secret));
}

QTEST_GUILESS_MAIN(TestDataProtector)
#include "tst_dataprotector.moc"
