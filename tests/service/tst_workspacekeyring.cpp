// The CRM server's key ring as the server keeps it (issue 3, "Key ring as the server keeps
// it"): DataProtectionKeys rows holding one XML element each, named key-{guid} and
// revocation-{guid} / revocation-{date} (id="*"), read by the workspace. The default key is
// chosen by activation, expiration and revocation; payloads written under any key the ring
// still accepts decrypt, and those under a revoked or unknown key fail clearly.
//
// The same test on both drivers: the embedded SQLite database by default, the production
// PostgreSQL database through Workspace::openProduction under tests/db/with-postgres.sh.
#include "core/crypto/dataprotector.h"
#include "core/db/database.h"
#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

Q_DECLARE_METATYPE(EasyCrm::ErrorCode)

namespace {

QString codeName(ErrorCode code)
{
    return errorCodeName(code);
}

QJsonObject realDotnetPayload()
{
    QFile file(QStringLiteral(EASYCRM_VECTORS_DIR "/dataprotection.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(u"real_payload_dotnet8")
        .toObject();
}

// One row of the ring: a key, or a revocation.
struct Row
{
    QString friendlyName;
    QString xml;
};

} // namespace

class TestWorkspaceKeyRing final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void defaultKeyIsTheNewestActiveUnrevokedKey();
    void newTokensAreProtectedUnderTheDefaultKey();
    void payloadsDecryptByTheirKey_data();
    void payloadsDecryptByTheirKey();
    void payloadWrittenByTheServerDecrypts();

private:
    [[nodiscard]] Result<std::unique_ptr<Workspace>> openOnSqlite();
    [[nodiscard]] Result<std::unique_ptr<Workspace>> openOnPostgres();
    // A payload protected under `key` alone, with the workspace's purposes.
    QString payloadUnder(const ServerKey &key, const QByteArray &plaintext) const;

    // Now, at whole seconds as the server's dates round-trip through the XML.
    const QDateTime m_now =
        QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    ManualClock m_clock{m_now};
    ServerKey m_ancient;  // expired long ago, and revoked by a revocation of every older key
    ServerKey m_expired;  // expired, still readable
    ServerKey m_current;  // the default
    ServerKey m_revoked;  // newer than the default, revoked by id
    ServerKey m_upcoming; // created ahead of its activation, as the server's key manager does
    ServerKey m_server;   // the real .NET 8 payload's key, expired, after the mass revocation
    QList<Row> m_rows;

    QTemporaryDir m_dir;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Workspace> m_workspace;
};

void TestWorkspaceKeyRing::initTestCase()
{
    const auto aged = [this](int createdDaysAgo, int activatedDaysAgo, int expiresInDays) {
        ServerKey key = newServerKey(m_now.addDays(-activatedDaysAgo));
        key.creation = m_now.addDays(-createdDaysAgo);
        key.expiration = m_now.addDays(expiresInDays);
        return key;
    };
    m_ancient = aged(400, 400, -310);
    m_expired = aged(120, 120, -30);
    m_current = aged(10, 10, 80);
    m_revoked = aged(5, 5, 85);
    m_upcoming = aged(1, -1, 91);
    const QJsonObject vector = realDotnetPayload();
    QVERIFY(!vector.isEmpty());
    m_server = aged(200, 200, -110);
    m_server.id = QUuid::fromString(vector.value(u"key_id").toString());
    m_server.masterKey =
        QByteArray::fromBase64(vector.value(u"master_key_base64").toString().toLatin1());

    const QDateTime massRevocation = m_now.addDays(-300);
    const QDateTime revocation = m_now.addDays(-1);
    // In the order the server wrote them.
    m_rows = {{keyFriendlyName(m_server.id), serverKeyXml(m_server)},
              {keyFriendlyName(m_ancient.id), serverKeyXml(m_ancient)},
              {revocationFriendlyName(std::nullopt, massRevocation),
               serverRevocationXml(std::nullopt, massRevocation)},
              {keyFriendlyName(m_expired.id), serverKeyXml(m_expired)},
              {keyFriendlyName(m_current.id), serverKeyXml(m_current)},
              {keyFriendlyName(m_revoked.id), serverKeyXml(m_revoked)},
              {revocationFriendlyName(m_revoked.id, revocation),
               serverRevocationXml(m_revoked.id, revocation)},
              {keyFriendlyName(m_upcoming.id), serverKeyXml(m_upcoming)}};
    QVERIFY(m_dir.isValid());
}

void TestWorkspaceKeyRing::init()
{
    auto opened = postgresAvailable() ? openOnPostgres() : openOnSqlite();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().detail));
    m_workspace = std::move(opened).value();
}

void TestWorkspaceKeyRing::cleanup()
{
    m_workspace.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

Result<std::unique_ptr<Workspace>> TestWorkspaceKeyRing::openOnSqlite()
{
    const QString path =
        m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".sqlite"_qs);
    QFile::remove(path);
    {
        // A copy of a server's database: its tables and key ring exist before the client.
        auto db = Db::Database::openSqlite(path);
        if (!db)
            return db.error();
        if (Result<void> migrated = db.value()->migrate(); !migrated)
            return migrated.error();
        for (const Row &row : std::as_const(m_rows)) {
            if (Result<void> r = storeKeyRingRow(*db.value(), row.friendlyName, row.xml); !r)
                return r.error();
        }
    }
    return Workspace::openEmbedded(path, m_clock);
}

Result<std::unique_ptr<Workspace>> TestWorkspaceKeyRing::openOnPostgres()
{
    auto crm = createPostgresCrm(QString::fromLatin1(QTest::currentTestFunction()),
                                 {PostgresCrmOptions::Contents::Seeded, false});
    if (!crm)
        return crm.error();
    m_crm = crm.value();
    {
        auto db = Db::Database::openPostgres(m_crm->settings);
        if (!db)
            return db.error();
        for (const Row &row : std::as_const(m_rows)) {
            if (Result<void> r = storeKeyRingRow(*db.value(), row.friendlyName, row.xml); !r)
                return r.error();
        }
    }
    return Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
}

QString TestWorkspaceKeyRing::payloadUnder(const ServerKey &key, const QByteArray &plaintext) const
{
    auto ring = Crypto::KeyRing::fromXmlElements({serverKeyXml(key)});
    if (!ring)
        return {};
    // A clock inside the key's lifetime, so the one-key ring protects with it.
    const ManualClock during(key.activation.addSecs(60));
    const Crypto::DataProtector protector(ring.value(), m_workspace->protector().purposes(),
                                          during);
    const auto payload = protector.protect(plaintext);
    return payload.ok() ? payload.value() : QString();
}

void TestWorkspaceKeyRing::defaultKeyIsTheNewestActiveUnrevokedKey()
{
    const Crypto::KeyRing &ring = m_workspace->protector().keyRing();
    QCOMPARE(ring.keys().size(), 6);
    const Crypto::MasterKey *chosen = ring.defaultKey(m_now);
    QVERIFY(chosen);
    QCOMPARE(chosen->id, m_current.id);

    QVERIFY(ring.find(m_revoked.id)->revoked);
    QVERIFY(ring.find(m_ancient.id)->revoked);
    QVERIFY(!ring.find(m_expired.id)->revoked);
    QVERIFY(!ring.find(m_upcoming.id)->revoked);
    // Once the upcoming key's activation comes, it takes over.
    QCOMPARE(ring.defaultKey(m_upcoming.activation)->id, m_upcoming.id);

    // The ring was read, not added to (the embedded database makes a key of its own only when
    // it has none it can use).
    QSqlQuery count(m_workspace->database().handle());
    QVERIFY(count.exec(u"SELECT COUNT(*) FROM \"DataProtectionKeys\""_qs) && count.next());
    QCOMPARE(count.value(0).toInt(), m_rows.size());
}

void TestWorkspaceKeyRing::newTokensAreProtectedUnderTheDefaultKey()
{
    const auto payload = m_workspace->protector().protect("access-token-1");
    QVERIFY(payload.ok());
    // Only a ring holding the default key alone reads it back.
    for (const ServerKey *key : {&m_current, &m_expired, &m_upcoming}) {
        auto ring = Crypto::KeyRing::fromXmlElements({serverKeyXml(*key)});
        QVERIFY(ring.ok());
        const Crypto::DataProtector alone(ring.value(), m_workspace->protector().purposes(),
                                          m_clock);
        const auto plain = alone.unprotect(payload.value());
        QCOMPARE(plain.ok(), key == &m_current);
        if (plain.ok())
            QCOMPARE(plain.value(), QByteArray("access-token-1"));
        else
            QCOMPARE(codeName(plain.error().code), codeName(ErrorCode::KeyNotFound));
    }
}

void TestWorkspaceKeyRing::payloadsDecryptByTheirKey_data()
{
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<ErrorCode>("expected");
    QTest::newRow("default-key") << u"current"_qs << ErrorCode::None;
    QTest::newRow("expired-but-readable") << u"expired"_qs << ErrorCode::None;
    QTest::newRow("not-yet-active") << u"upcoming"_qs << ErrorCode::None;
    QTest::newRow("revoked-by-id") << u"revoked"_qs << ErrorCode::KeyRevoked;
    QTest::newRow("revoked-by-star") << u"ancient"_qs << ErrorCode::KeyRevoked;
    QTest::newRow("unknown-key") << u"unknown"_qs << ErrorCode::KeyNotFound;
}

void TestWorkspaceKeyRing::payloadsDecryptByTheirKey()
{
    QFETCH(QString, keyName);
    QFETCH(ErrorCode, expected);
    const QHash<QString, ServerKey> keys = {
        {u"current"_qs, m_current},   {u"expired"_qs, m_expired},
        {u"upcoming"_qs, m_upcoming}, {u"revoked"_qs, m_revoked},
        {u"ancient"_qs, m_ancient},   {u"unknown"_qs, newServerKey(m_now)}};
    const QByteArray token = "refresh-token-under-" + keyName.toLatin1();
    const QString payload = payloadUnder(keys.value(keyName), token);
    QVERIFY(payload.startsWith(u"CfDJ8"));

    const auto plain = m_workspace->protector().unprotect(payload);
    QCOMPARE(codeName(plain.ok() ? ErrorCode::None : plain.error().code), codeName(expected));
    if (plain.ok())
        QCOMPARE(plain.value(), token);
    else
        QVERIFY(!plain.error().message.isEmpty());
}

void TestWorkspaceKeyRing::payloadWrittenByTheServerDecrypts()
{
    // Written by .NET 8's IDataProtector.Protect under a key now long expired but kept in the
    // ring; its purposes are its own application's, not the product's.
    const QJsonObject vector = realDotnetPayload();
    QStringList purposes;
    for (const QJsonValue &purpose : vector.value(u"purposes").toArray())
        purposes << purpose.toString();
    const Crypto::DataProtector server(m_workspace->protector().keyRing(), purposes, m_clock);
    const auto plain = server.unprotect(vector.value(u"protected_base64url").toString());
    QVERIFY2(plain.ok(), qPrintable(plain.ok() ? QString() : plain.error().detail));
    QCOMPARE(plain.value(), vector.value(u"plaintext_utf8").toString().toUtf8());
}

QTEST_GUILESS_MAIN(TestWorkspaceKeyRing)
#include "tst_workspacekeyring.moc"
