// ASP.NET Core Identity v3 password hashes (AbpUsers.PasswordHash), checked as the CRM server
// checks them.
//
// Where the vectors come from:
// - "aspnetcore8-*": a hash ASP.NET Core Identity 8 produced for the password "Test123$",
//   found in public seed data; nothing in this product made it.
// - the other "v3-*" rows: PBKDF2 subkeys computed with Python's hashlib.pbkdf2_hmac (a
//   separate implementation from OpenSSL's), laid out as PasswordHasher v3 writes them.
// - "rfc6070-*": RFC 6070 §2, PBKDF2-HMAC-SHA1 test case 5, in the v3 layout.

#include "core/crypto/passwordhasher.h"
#include "tests/support/logcapture.h"

#include <QTest>
#include <QtEndian>

using namespace EasyCrm;
using namespace EasyCrm::Crypto;

Q_DECLARE_METATYPE(EasyCrm::Crypto::PasswordVerification)
Q_DECLARE_METATYPE(EasyCrm::Crypto::PasswordPrf)
Q_DECLARE_METATYPE(EasyCrm::Crypto::PasswordHashParameters)

namespace {

const QString kAspNetCore8Hash = QStringLiteral(
    "AQAAAAIAAYagAAAAENoVftXbReMcFkOwzlfLFgFkx1tZ2PVoFwKaz/7UP6r5rlrymlHMFjMgowJCZl+6YA==");
// hashlib.pbkdf2_hmac('sha256', b'1q2w3E*', bytes(range(16)), 10000, 32)
const QString kSha256Hash = QStringLiteral(
    "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg8hec15j2VgWmwV1bRzJUNe1BRjovK4leFQbYMnHYpaFw==");
// hashlib.pbkdf2_hmac('sha512', b'1q2w3E*', bytes(range(16)), 100000, 32)
const QString kSha512Hash = QStringLiteral(
    "AQAAAAIAAYagAAAAEAABAgMEBQYHCAkKCwwNDg9cpqdcI+qij1t1DuVS1tOLH3HOQ7TsgL4A6hQ4D2CSBA==");
// hashlib.pbkdf2_hmac('sha1', b'1q2w3E*', bytes(range(16, 32)), 1000, 32)
const QString kSha1Hash = QStringLiteral(
    "AQAAAAAAAAPoAAAAEBAREhMUFRYXGBkaGxwdHh/NHAz7+X6Nb34co/NiavjYfZUx8AYtz3brD+53mhX4rg==");
// hashlib.pbkdf2_hmac('sha512', 'pässwörd ✓ 密码'.encode('utf-8'), bytes(range(0xa0, 0xb0)), 1, 32)
const QString kUnicodeHash = QStringLiteral(
    "AQAAAAIAAAABAAAAEKChoqOkpaanqKmqq6ytrq+RRHfddq9KX+ZOeMjKNBcYZ8eUwzrv0XaOjNZ4BmYk1w==");
// hashlib.pbkdf2_hmac('sha256', b'correct horse', bytes(range(0x20, 0x40)), 1000, 64)
const QString kLongSaltHash = QStringLiteral(
    "AQAAAAEAAAPoAAAAICAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4//Ei9ahEW0xumh4MXLOGoJy1VJyYHO7ek"
    "nBtcR9FM0adByuDvKzWg5VEdH7ysEHAF7Tlv8/gq/SCtns7aMzcdxg==");

const QString kUnicodePassword = QStringLiteral("pässwörd ✓ 密码");

QByteArray bigEndian(quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    return QByteArray(bytes, 4);
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

// A v3 hash assembled field by field, for the malformed rows.
QString layout(char format, quint32 prf, quint32 iterations, quint32 saltLength,
               const QByteArray &rest)
{
    return base64(QByteArray(1, format) + bigEndian(prf) + bigEndian(iterations) +
                  bigEndian(saltLength) + rest);
}

QByteArray bytesFrom(int first, int count)
{
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out.append(char(first + i));
    return out;
}

// RFC 6070 test case 5: P = "passwordPASSWORDpassword",
// S = "saltSALTsaltSALTsaltSALTsaltSALTsalt", c = 4096, dkLen = 25.
QString rfc6070Hash()
{
    const QByteArray salt("saltSALTsaltSALTsaltSALTsaltSALTsalt");
    const QByteArray dk = QByteArray::fromHex("3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
    return layout(0x01, 0, 4096, quint32(salt.size()), salt + dk);
}

} // namespace

class TestPasswordHasher final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void verifiesKnownHashes_data();
    void verifiesKnownHashes();
    void reproducesKnownHashes_data();
    void reproducesKnownHashes();
    void refusesWrongPasswords_data();
    void refusesWrongPasswords();
    void refusesMalformedHashes_data();
    void refusesMalformedHashes();
    void hashUsesTheServersDefaults();
    void hashRefusesWeakParameters_data();
    void hashRefusesWeakParameters();
    void logsNeitherPasswordNorHash();

private:
    std::unique_ptr<Testing::LogCapture> m_logs;
};

void TestPasswordHasher::initTestCase()
{
    m_logs = std::make_unique<Testing::LogCapture>();
}

void TestPasswordHasher::verifiesKnownHashes_data()
{
    QTest::addColumn<QString>("hash");
    QTest::addColumn<QString>("password");
    QTest::addColumn<PasswordVerification>("expected");
    QTest::addColumn<PasswordPrf>("prf");
    QTest::addColumn<int>("iterations");

    const auto current = PasswordVerification::Success;
    const auto rehash = PasswordVerification::SuccessRehashNeeded;
    QTest::newRow("aspnetcore8-sha512-100000")
        << kAspNetCore8Hash << u"Test123$"_qs << current << PasswordPrf::HmacSha512 << 100000;
    QTest::newRow("v3-sha512-100000")
        << kSha512Hash << u"1q2w3E*"_qs << current << PasswordPrf::HmacSha512 << 100000;
    // ASP.NET Core 3-6 hashes still verify; the server would upgrade them.
    QTest::newRow("v3-sha256-10000-old-default")
        << kSha256Hash << u"1q2w3E*"_qs << rehash << PasswordPrf::HmacSha256 << 10000;
    QTest::newRow("v3-sha1-1000") << kSha1Hash << u"1q2w3E*"_qs << rehash << PasswordPrf::HmacSha1
                                  << 1000;
    QTest::newRow("v3-sha512-1-iteration-unicode-password")
        << kUnicodeHash << kUnicodePassword << rehash << PasswordPrf::HmacSha512 << 1;
    QTest::newRow("v3-sha256-32-byte-salt-64-byte-subkey")
        << kLongSaltHash << u"correct horse"_qs << rehash << PasswordPrf::HmacSha256 << 1000;
    QTest::newRow("rfc6070-sha1-25-byte-subkey") << rfc6070Hash() << u"passwordPASSWORDpassword"_qs
                                                 << rehash << PasswordPrf::HmacSha1 << 4096;
    QTest::newRow("surrounding-whitespace-in-column")
        << (u"  "_qs + kSha512Hash + u"\n"_qs) << u"1q2w3E*"_qs << current
        << PasswordPrf::HmacSha512 << 100000;
}

void TestPasswordHasher::verifiesKnownHashes()
{
    QFETCH(QString, hash);
    QFETCH(QString, password);
    QFETCH(PasswordVerification, expected);
    QFETCH(PasswordPrf, prf);
    QFETCH(int, iterations);

    const Result<PasswordVerification> verified = PasswordHasher::verify(hash, password);
    QVERIFY2(verified.ok(), qPrintable(verified.error().detail));
    QCOMPARE(verified.value(), expected);
    const Result<PasswordHashParameters> parameters = PasswordHasher::parameters(hash);
    QVERIFY(parameters.ok());
    QCOMPARE(parameters.value().prf, prf);
    QCOMPARE(parameters.value().iterations, iterations);
}

void TestPasswordHasher::reproducesKnownHashes_data()
{
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("password");

    QTest::newRow("v3-sha512-100000") << kSha512Hash << u"1q2w3E*"_qs;
    QTest::newRow("v3-sha256-10000") << kSha256Hash << u"1q2w3E*"_qs;
    QTest::newRow("v3-sha1-1000") << kSha1Hash << u"1q2w3E*"_qs;
    QTest::newRow("v3-unicode-password") << kUnicodeHash << kUnicodePassword;
    QTest::newRow("v3-64-byte-subkey") << kLongSaltHash << u"correct horse"_qs;
    QTest::newRow("aspnetcore8") << kAspNetCore8Hash << u"Test123$"_qs;
}

void TestPasswordHasher::reproducesKnownHashes()
{
    QFETCH(QString, expected);
    QFETCH(QString, password);

    // Salt and parameters taken from the vector; the subkey must come out identical.
    const QByteArray raw = QByteArray::fromBase64(expected.toLatin1());
    const Result<PasswordHashParameters> parameters = PasswordHasher::parameters(expected);
    QVERIFY(parameters.ok());
    const QByteArray salt = raw.mid(13, parameters.value().saltLength);
    const Result<QString> hash = PasswordHasher::hashWithSalt(password, salt, parameters.value());
    QVERIFY2(hash.ok(), qPrintable(hash.error().detail));
    QCOMPARE(hash.value(), expected);
}

void TestPasswordHasher::refusesWrongPasswords_data()
{
    QTest::addColumn<QString>("hash");
    QTest::addColumn<QString>("password");

    QTest::newRow("one-character-off") << kSha512Hash << u"1q2w3E+"_qs;
    QTest::newRow("case-changed") << kSha512Hash << u"1Q2W3e*"_qs;
    QTest::newRow("trailing-space") << kSha512Hash << u"1q2w3E* "_qs;
    QTest::newRow("empty") << kSha512Hash << QString();
    QTest::newRow("prefix-only") << kSha256Hash << u"1q2w3E"_qs;
    QTest::newRow("unicode-normalised-differently")
        << kUnicodeHash << u"pa\u0308sswo\u0308rd ✓ 密码"_qs;
    QTest::newRow("aspnetcore8-other-password") << kAspNetCore8Hash << u"Test123"_qs;
}

void TestPasswordHasher::refusesWrongPasswords()
{
    QFETCH(QString, hash);
    QFETCH(QString, password);

    const Result<PasswordVerification> verified = PasswordHasher::verify(hash, password);
    QVERIFY2(verified.ok(), qPrintable(verified.error().detail));
    QCOMPARE(verified.value(), PasswordVerification::Failed);
}

void TestPasswordHasher::refusesMalformedHashes_data()
{
    QTest::addColumn<QString>("hash");
    QTest::addColumn<QString>("why");

    const QByteArray salt = bytesFrom(0, 16);
    const QByteArray subkey = bytesFrom(0x40, 32);
    // Identity v2: 0x00 | 16-byte salt | 32-byte subkey (PBKDF2-HMAC-SHA1, 1000 iterations).
    const QString v2 = base64(QByteArray(1, 0x00) + salt + subkey);
    QTest::newRow("identity-v2") << v2 << u"v2"_qs;
    QTest::newRow("unknown-format-byte")
        << layout(0x02, 2, 1000, 16, salt + subkey) << u"format"_qs;
    QTest::newRow("empty") << QString() << u"base64"_qs;
    QTest::newRow("not-base64") << u"not a hash!"_qs << u"base64"_qs;
    QTest::newRow("plain-text-password") << u"1q2w3E*"_qs << u"base64"_qs;
    QTest::newRow("header-truncated") << base64(QByteArray(1, 0x01) + bigEndian(2)) << u"header"_qs;
    QTest::newRow("unknown-prf-3") << layout(0x01, 3, 1000, 16, salt + subkey) << u"PRF"_qs;
    QTest::newRow("zero-iterations") << layout(0x01, 2, 0, 16, salt + subkey) << u"iteration"_qs;
    QTest::newRow("absurd-iterations-10000001")
        << layout(0x01, 2, 10'000'001, 16, salt + subkey) << u"iteration"_qs;
    QTest::newRow("iterations-uint32-max")
        << layout(0x01, 2, 0xffffffffu, 16, salt + subkey) << u"iteration"_qs;
    QTest::newRow("salt-longer-than-hash")
        << layout(0x01, 2, 1000, 4096, salt + subkey) << u"salt"_qs;
    QTest::newRow("salt-length-negative-as-int")
        << layout(0x01, 2, 1000, 0x80000000u, salt + subkey) << u"salt"_qs;
    QTest::newRow("salt-under-128-bits")
        << layout(0x01, 2, 1000, 8, salt.left(8) + subkey) << u"salt"_qs;
    QTest::newRow("subkey-under-128-bits")
        << layout(0x01, 2, 1000, 16, salt + subkey.left(15)) << u"subkey"_qs;
    QTest::newRow("no-subkey") << layout(0x01, 2, 1000, 16, salt) << u"subkey"_qs;
}

void TestPasswordHasher::refusesMalformedHashes()
{
    QFETCH(QString, hash);
    QFETCH(QString, why);

    const Result<PasswordVerification> verified = PasswordHasher::verify(hash, u"1q2w3E*");
    QVERIFY(!verified.ok());
    QCOMPARE(verified.error().code, ErrorCode::PasswordHashUnsupported);
    QVERIFY(!verified.error().message.isEmpty());
    QVERIFY2(verified.error().detail.contains(why, Qt::CaseInsensitive),
             qPrintable(verified.error().detail));
    QVERIFY(!PasswordHasher::parameters(hash).ok());
}

void TestPasswordHasher::hashUsesTheServersDefaults()
{
    const Result<QString> first = PasswordHasher::hash(u"1q2w3E*");
    const Result<QString> second = PasswordHasher::hash(u"1q2w3E*");
    QVERIFY(first.ok() && second.ok());
    // A fresh salt each time.
    QVERIFY(first.value() != second.value());
    const QByteArray raw = QByteArray::fromBase64(first.value().toLatin1());
    QCOMPARE(raw.size(), 13 + 16 + 32);
    // ASP.NET Core 8 writes exactly this header: v3, HMACSHA512, 100 000, 16-byte salt.
    QCOMPARE(raw.left(13).toHex(), QByteArray("0100000002000186a000000010"));
    QCOMPARE(PasswordHasher::verify(first.value(), u"1q2w3E*").value(),
             PasswordVerification::Success);
    QCOMPARE(PasswordHasher::verify(first.value(), u"1q2w3E").value(),
             PasswordVerification::Failed);
}

void TestPasswordHasher::hashRefusesWeakParameters_data()
{
    QTest::addColumn<PasswordHashParameters>("parameters");
    QTest::addColumn<int>("saltSize");

    QTest::newRow("zero-iterations")
        << PasswordHashParameters{PasswordPrf::HmacSha512, 0, 16, 32} << 16;
    QTest::newRow("too-many-iterations")
        << PasswordHashParameters{PasswordPrf::HmacSha512, 10'000'001, 16, 32} << 16;
    QTest::newRow("short-salt") << PasswordHashParameters{PasswordPrf::HmacSha512, 1, 8, 32} << 8;
    QTest::newRow("short-subkey") << PasswordHashParameters{PasswordPrf::HmacSha512, 1, 16, 8}
                                  << 16;
    QTest::newRow("salt-size-differs-from-parameters")
        << PasswordHashParameters{PasswordPrf::HmacSha512, 1, 16, 32} << 20;
    QTest::newRow("unknown-prf") << PasswordHashParameters{PasswordPrf(7), 1, 16, 32} << 16;
}

void TestPasswordHasher::hashRefusesWeakParameters()
{
    QFETCH(PasswordHashParameters, parameters);
    QFETCH(int, saltSize);

    const Result<QString> hash =
        PasswordHasher::hashWithSalt(u"x", QByteArray(saltSize, 'a'), parameters);
    QVERIFY(!hash.ok());
    QCOMPARE(hash.error().code, ErrorCode::CryptoFailure);
}

void TestPasswordHasher::logsNeitherPasswordNorHash()
{
    const QString password = u"Sup3r-Secret-Passw0rd"_qs;
    const Result<QString> hash = PasswordHasher::hash(password);
    QVERIFY(hash.ok());
    QVERIFY(PasswordHasher::verify(hash.value(), u"wrong").ok());
    const Result<PasswordVerification> damaged = PasswordHasher::verify(password, password);
    QVERIFY(!damaged.ok());
    QVERIFY(!damaged.error().message.contains(password));
    QVERIFY(!damaged.error().detail.contains(password));
    // The refusal above was logged; the line names the check only.
    QVERIFY(!m_logs->lines().isEmpty());
    for (const QString &line : m_logs->lines()) {
        QVERIFY2(!line.contains(password), qPrintable(line));
        QVERIFY2(!line.contains(hash.value().left(24)), qPrintable(line));
    }
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
