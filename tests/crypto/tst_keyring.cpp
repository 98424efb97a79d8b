// Reading the CRM server's key ring (DataProtectionKeys.Xml rows or a key directory) and
// choosing the key to protect with, as ASP.NET Core Data Protection's key manager does.

#include "core/crypto/dataprotector.h"
#include "core/crypto/keyring.h"
#include "tests/crypto/cryptotestsupport.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Crypto;
using namespace EasyCrm::CryptoTest;

Q_DECLARE_METATYPE(EasyCrm::CryptoTest::XmlStyle)

namespace {

const QUuid kOld = QUuid::fromString(u"11111111-1111-4111-8111-111111111111");
const QUuid kNew = QUuid::fromString(u"22222222-2222-4222-8222-222222222222");
const QUuid kNewer = QUuid::fromString(u"33333333-3333-4333-8333-333333333333");

const QDateTime kNow = utc("2024-06-01T12:00:00Z");

KeySpec keyAged(const QUuid &id, int createdDaysAgo, int activatedDaysAgo, int expiresInDays)
{
    return {id,
            kNow.addDays(-createdDaysAgo),
            kNow.addDays(-activatedDaysAgo),
            kNow.addDays(expiresInDays),
            QByteArray(64, '\x5a'),
            {}};
}

QString encryptedAtRestDescriptor()
{
    return QStringLiteral(
        "<descriptor><encryption algorithm=\"AES_256_CBC\" /><validation algorithm=\"HMACSHA256\" "
        "/>"
        "<encryptedSecret decryptorType=\"Microsoft.AspNetCore.DataProtection.XmlEncryption."
        "EncryptedXmlDecryptor, Microsoft.AspNetCore.DataProtection\" "
        "xmlns=\"http://schemas.asp.net/2015/03/dataProtection\"><EncryptedData "
        "xmlns=\"http://www.w3.org/2001/04/xmlenc#\">opaque</EncryptedData></encryptedSecret>"
        "</descriptor>");
}

QString gcmDescriptor()
{
    return QStringLiteral("<descriptor><encryption algorithm=\"AES_256_GCM\" />"
                          "<masterKey><value>") +
           QString::fromLatin1(QByteArray(64, 'k').toBase64()) +
           QStringLiteral("</value></masterKey></descriptor>");
}

} // namespace

class TestKeyRing final : public QObject
{
    Q_OBJECT

private slots:
    void readsKeyWhateverTheNamespacePrefixes_data();
    void readsKeyWhateverTheNamespacePrefixes();
    void readsDatesAsXmlConvertWritesThem_data();
    void readsDatesAsXmlConvertWritesThem();
    void defaultKeySelection_data();
    void defaultKeySelection();
    void revocationsMarkKeys();
    void keysTheClientCannotReadStayKnownButUnusable_data();
    void keysTheClientCannotReadStayKnownButUnusable();
    void malformedRingIsRefused_data();
    void malformedRingIsRefused();
    void unreadableKeyIsSkippedLikeTheServerDoes_data();
    void unreadableKeyIsSkippedLikeTheServerDoes();
    void readsKeyDirectory();
    void missingKeyDirectoryIsAnError();
    void newKeyXmlHasTheServerShape();
    void newKeyXmlParsesBackAndProtects();
    void newKeyXmlRefusesNullId();
};

void TestKeyRing::readsKeyWhateverTheNamespacePrefixes_data()
{
    QTest::addColumn<XmlStyle>("style");
    QTest::newRow("server-shape-with-p4-attribute") << XmlStyle::Server;
    QTest::newRow("default-namespace-on-root") << XmlStyle::DefaultNamespace;
    QTest::newRow("every-element-prefixed") << XmlStyle::PrefixedElements;
    QTest::newRow("file-store-declaration-and-indentation") << XmlStyle::PrettyPrinted;
}

void TestKeyRing::readsKeyWhateverTheNamespacePrefixes()
{
    QFETCH(XmlStyle, style);
    KeySpec spec = keyAged(kOld, 10, 9, 80);
    for (int i = 0; i < spec.secret.size(); ++i)
        spec.secret[i] = char(i * 7);

    auto ring = KeyRing::fromXmlElements({keyElement(spec, style)});
    QVERIFY2(ring.ok(), qPrintable(ring.error().detail));
    QCOMPARE(ring.value().keys().size(), 1);
    const MasterKey &key = ring.value().keys().first();
    QCOMPARE(key.id, kOld);
    QCOMPARE(key.creationDate, spec.created);
    QCOMPARE(key.activationDate, spec.activated);
    QCOMPARE(key.expirationDate, spec.expires);
    QCOMPARE(key.secret.toHex(), spec.secret.toHex());
    QVERIFY(!key.revoked);
    QCOMPARE(ring.value().find(kOld), &key);
    QCOMPARE(ring.value().find(kNew), nullptr);
}

void TestKeyRing::readsDatesAsXmlConvertWritesThem_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");

    QTest::newRow("utc-no-fraction")
        << QStringLiteral("2024-05-01T12:00:00Z") << utc("2024-05-01T12:00:00Z");
    QTest::newRow("seven-digit-fraction")
        << QStringLiteral("2024-05-01T12:00:00.1234567Z") << utc("2024-05-01T12:00:00.123Z");
    QTest::newRow("one-digit-fraction")
        << QStringLiteral("2024-05-01T12:00:00.5Z") << utc("2024-05-01T12:00:00.500Z");
    QTest::newRow("zero-offset") << QStringLiteral("2024-05-01T12:00:00+00:00")
                                 << utc("2024-05-01T12:00:00Z");
    QTest::newRow("positive-offset")
        << QStringLiteral("2024-05-01T14:30:00+02:30") << utc("2024-05-01T12:00:00Z");
    QTest::newRow("negative-offset-crossing-midnight")
        << QStringLiteral("2024-04-30T21:00:00.25-05:00") << utc("2024-05-01T02:00:00.250Z");
}

void TestKeyRing::readsDatesAsXmlConvertWritesThem()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);

    QString xml = keyElement(keyAged(kOld, 1, 1, 1));
    xml.replace(QRegularExpression(QStringLiteral("<creationDate>[^<]*</creationDate>")),
                QStringLiteral("<creationDate>%1</creationDate>").arg(text));
    auto ring = KeyRing::fromXmlElements({xml});
    QVERIFY(ring.ok());
    QCOMPARE(ring.value().keys().size(), 1);
    QCOMPARE(ring.value().keys().first().creationDate, expected);
    QCOMPARE(ring.value().keys().first().creationDate.timeSpec(), Qt::UTC);
}

void TestKeyRing::defaultKeySelection_data()
{
    QTest::addColumn<QStringList>("elements");
    QTest::addColumn<QUuid>("expected");

    const QString oldKey = keyElement(keyAged(kOld, 60, 60, 30));
    const QString newKey = keyElement(keyAged(kNew, 5, 3, 87));
    QTest::newRow("single-active-key") << QStringList{oldKey} << kOld;
    QTest::newRow("newest-activation-wins") << QStringList{newKey, oldKey} << kNew;
    QTest::newRow("revoked-newest-leaves-older")
        << QStringList{oldKey, newKey,
                       revocationElement(kNew.toString(QUuid::WithoutBraces), kNow.addDays(-1))}
        << kOld;
    // id="*" revokes every key created strictly before the revocation date.
    QTest::newRow("mass-revocation-between-creations")
        << QStringList{oldKey, newKey, revocationElement(QStringLiteral("*"), kNow.addDays(-10))}
        << kNew;
    QTest::newRow("mass-revocation-after-all-keys")
        << QStringList{oldKey, newKey, revocationElement(QStringLiteral("*"), kNow.addDays(-1))}
        << QUuid();
    QTest::newRow("mass-revocation-at-creation-instant-spares-key")
        << QStringList{newKey, revocationElement(QStringLiteral("*"), kNow.addDays(-5))} << kNew;
    QTest::newRow("not-yet-active-key-waits")
        << QStringList{oldKey, keyElement(keyAged(kNewer, 1, -2, 90))} << kOld;
    QTest::newRow("activation-exactly-now-counts")
        << QStringList{oldKey, keyElement(keyAged(kNewer, 1, 0, 90))} << kNewer;
    QTest::newRow("expired-newest-leaves-older")
        << QStringList{oldKey, keyElement(keyAged(kNewer, 100, 1, -1))} << kOld;
    QTest::newRow("expiring-exactly-now-is-expired")
        << QStringList{keyElement(keyAged(kOld, 90, 90, 0))} << QUuid();
    QTest::newRow("only-expired-keys")
        << QStringList{keyElement(keyAged(kOld, 200, 200, -110))} << QUuid();
    QTest::newRow("empty-ring") << QStringList() << QUuid();
    KeySpec unreadable = keyAged(kNewer, 1, 1, 89);
    unreadable.innerDescriptor = encryptedAtRestDescriptor();
    QTest::newRow("key-encrypted-at-rest-is-passed-over")
        << QStringList{oldKey, keyElement(unreadable)} << kOld;
    // Same activation instant: the server orders by key id.
    QTest::newRow("activation-tie-goes-to-lowest-id")
        << QStringList{keyElement(keyAged(kNewer, 5, 3, 87)), newKey} << kNew;
}

void TestKeyRing::defaultKeySelection()
{
    QFETCH(QStringList, elements);
    QFETCH(QUuid, expected);

    auto ring = KeyRing::fromXmlElements(elements);
    QVERIFY2(ring.ok(), qPrintable(ring.error().detail));
    const MasterKey *key = ring.value().defaultKey(kNow);
    QCOMPARE(key ? key->id : QUuid(), expected);
}

void TestKeyRing::revocationsMarkKeys()
{
    const QStringList elements{
        keyElement(keyAged(kOld, 60, 60, 30)), keyElement(keyAged(kNew, 5, 3, 87)),
        keyElement(keyAged(kNewer, 1, 1, 89)),
        revocationElement(QStringLiteral("*"), kNow.addDays(-30)),
        revocationElement(kNewer.toString(QUuid::WithoutBraces), kNow),
        // A revocation of a key the ring does not hold changes nothing.
        revocationElement(QUuid::createUuid().toString(QUuid::WithoutBraces), kNow)};
    auto ring = KeyRing::fromXmlElements(elements);
    QVERIFY(ring.ok());
    QVERIFY(ring.value().find(kOld)->revoked);
    QVERIFY(!ring.value().find(kNew)->revoked);
    QVERIFY(ring.value().find(kNewer)->revoked);
    QCOMPARE(ring.value().defaultKey(kNow)->id, kNew);
}

void TestKeyRing::keysTheClientCannotReadStayKnownButUnusable_data()
{
    QTest::addColumn<QString>("innerDescriptor");
    QTest::newRow("master-key-encrypted-at-rest") << encryptedAtRestDescriptor();
    QTest::newRow("aes-256-gcm-key") << gcmDescriptor();
    QTest::newRow("master-key-not-base64")
        << innerDescriptor("x").replace(QStringLiteral("eA=="), QStringLiteral("not base64!"));
}

void TestKeyRing::keysTheClientCannotReadStayKnownButUnusable()
{
    QFETCH(QString, innerDescriptor);
    KeySpec spec = keyAged(kOld, 1, 1, 89);
    spec.innerDescriptor = innerDescriptor;

    auto ring = KeyRing::fromXmlElements({keyElement(spec)});
    QVERIFY(ring.ok());
    QVERIFY(ring.value().find(kOld));
    QVERIFY(!ring.value().find(kOld)->isUsable());
    QCOMPARE(ring.value().defaultKey(kNow), nullptr);
}

void TestKeyRing::malformedRingIsRefused_data()
{
    QTest::addColumn<QStringList>("elements");

    const QString key = keyElement(keyAged(kOld, 1, 1, 89));
    QTest::newRow("not-xml") << QStringList{QStringLiteral("key id=1")};
    QTest::newRow("unclosed-element") << QStringList{key.chopped(6)};
    QTest::newRow("two-root-elements") << QStringList{key + key};
    QTest::newRow("empty-string") << QStringList{QString()};
    QTest::newRow("undeclared-prefix") << QStringList{QStringLiteral("<dp:key id=\"x\"/>")};
    QTest::newRow("duplicate-key-id") << QStringList{key, key};
    QTest::newRow("revocation-without-date") << QStringList{
        key, QStringLiteral("<revocation version=\"1\"><key id=\"*\"/></revocation>")};
    QTest::newRow("revocation-with-bad-key-id")
        << QStringList{key, revocationElement(QStringLiteral("not-a-guid"), kNow)};
    QTest::newRow("nested-thousands-deep")
        << QStringList{QString(QStringLiteral("<a>")).repeated(5000) +
                       QString(QStringLiteral("</a>")).repeated(5000)};
}

void TestKeyRing::malformedRingIsRefused()
{
    QFETCH(QStringList, elements);
    auto ring = KeyRing::fromXmlElements(elements);
    QVERIFY(!ring.ok());
    QCOMPARE(codeName(ring.error().code), codeName(ErrorCode::KeyRingInvalid));
    QVERIFY(!ring.error().message.isEmpty());
}

void TestKeyRing::unreadableKeyIsSkippedLikeTheServerDoes_data()
{
    QTest::addColumn<QString>("element");

    const QString key = keyElement(keyAged(kNew, 1, 1, 89));
    QTest::newRow("key-without-id")
        << QString(key).replace(QStringLiteral(" id=\""), QStringLiteral(" name=\""));
    QTest::newRow("key-with-bad-guid") << QString(key).replace(kNew.toString(QUuid::WithoutBraces),
                                                               QStringLiteral("22222222-zzzz"));
    QTest::newRow("key-with-bad-date")
        << QString(key).replace(QRegularExpression(QStringLiteral("<activationDate>[^<]*")),
                                QStringLiteral("<activationDate>yesterday"));
    QTest::newRow("key-without-expiration") << QString(key).remove(
        QRegularExpression(QStringLiteral("<expirationDate>[^<]*</expirationDate>")));
}

void TestKeyRing::unreadableKeyIsSkippedLikeTheServerDoes()
{
    QFETCH(QString, element);
    const QString goodKey = keyElement(keyAged(kOld, 10, 10, 80));
    const QString unknown = QStringLiteral("<friendlyNote>ignored</friendlyNote>");

    auto ring = KeyRing::fromXmlElements({element, goodKey, unknown});
    QVERIFY(ring.ok());
    QCOMPARE(ring.value().keys().size(), 1);
    QCOMPARE(ring.value().keys().first().id, kOld);
}

void TestKeyRing::readsKeyDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&dir](const QString &name, const QByteArray &content) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    };
    // The file store writes UTF-8 with a byte-order mark and an XML declaration.
    const QByteArray bom("\xEF\xBB\xBF");
    write(u"key-" + kOld.toString(QUuid::WithoutBraces) + u".xml",
          bom + keyElement(keyAged(kOld, 60, 60, 30), XmlStyle::PrettyPrinted).toUtf8());
    write(u"key-" + kNew.toString(QUuid::WithoutBraces) + u".xml",
          keyElement(keyAged(kNew, 5, 3, 87), XmlStyle::PrettyPrinted).toUtf8());
    write(QStringLiteral("revocation-20240601.xml"),
          revocationElement(kNew.toString(QUuid::WithoutBraces), kNow).toUtf8());
    write(QStringLiteral("README.txt"), "not a key");

    auto ring = KeyRing::fromDirectory(dir.path());
    QVERIFY2(ring.ok(), qPrintable(ring.error().detail));
    QCOMPARE(ring.value().keys().size(), 2);
    QVERIFY(ring.value().find(kNew)->revoked);
    QCOMPARE(ring.value().defaultKey(kNow)->id, kOld);
}

void TestKeyRing::missingKeyDirectoryIsAnError()
{
    QTemporaryDir dir;
    auto ring = KeyRing::fromDirectory(dir.filePath(QStringLiteral("no-such-directory")));
    QVERIFY(!ring.ok());
    QCOMPARE(codeName(ring.error().code), codeName(ErrorCode::KeyRingInvalid));
}

void TestKeyRing::newKeyXmlHasTheServerShape()
{
    auto xml = KeyRing::newKeyXml(kNew, utc("2024-06-01T12:00:00.120Z"));
    QVERIFY(xml.ok());

    // The vector's shape, with the dates, id and master key reduced to its placeholders.
    QString shape = vectors().value(u"key_ring_xml_shape").toString();
    shape.truncate(shape.indexOf(QStringLiteral("  (")));
    QString reduced = xml.value();
    QCOMPARE(reduced.count(QStringLiteral("2024-06-01T12:00:00.12Z")), 2);
    QVERIFY(reduced.contains(QStringLiteral("<expirationDate>2024-08-30T12:00:00.12Z<")));
    reduced.replace(QRegularExpression(QStringLiteral("<(\\w+Date)>[^<]+</\\1>")),
                    QStringLiteral("<\\1/>"));
    reduced.replace(kNew.toString(QUuid::WithoutBraces), QStringLiteral("{guid}"));
    reduced.replace(QRegularExpression(QStringLiteral("<value>[A-Za-z0-9+/]{86}==</value>")),
                    QStringLiteral("<value>base64 of 64 bytes</value>"));
    QCOMPARE(reduced, shape);
}

void TestKeyRing::newKeyXmlParsesBackAndProtects()
{
    ManualClock clock(kNow);
    auto first = KeyRing::newKeyXml(kNew, kNow);
    auto second = KeyRing::newKeyXml(kNewer, kNow);
    QVERIFY(first.ok() && second.ok());

    auto ring = KeyRing::fromXmlElements({first.value(), second.value()});
    QVERIFY(ring.ok());
    const MasterKey *key = ring.value().find(kNew);
    QVERIFY(key);
    QCOMPARE(key->secret.size(), kMasterKeySize);
    QVERIFY(key->secret != ring.value().find(kNewer)->secret);
    QCOMPARE(key->creationDate, kNow);
    QCOMPARE(key->activationDate, kNow);
    QCOMPARE(key->expirationDate, kNow.addDays(KeyRing::kKeyLifetimeDays));

    const DataProtector protector(ring.value(), {QStringLiteral("EasyCrm")}, clock);
    auto protectedValue = protector.protect("refresh-token");
    QVERIFY(protectedValue.ok());
    auto plaintext = protector.unprotect(protectedValue.value());
    QVERIFY(plaintext.ok());
    QCOMPARE(plaintext.value(), QByteArray("refresh-token"));
}

void TestKeyRing::newKeyXmlRefusesNullId()
{
    auto xml = KeyRing::newKeyXml(QUuid(), kNow);
    QVERIFY(!xml.ok());
    QCOMPARE(codeName(xml.error().code), codeName(ErrorCode::KeyRingInvalid));
}

QTEST_GUILESS_MAIN(TestKeyRing)
#include "tst_keyring.moc"
