#include "dbtestsupport.h"

#include "core/db/repositories.h"

#include <QCryptographicHash>
#include <QTest>
#include <QThread>

#include <latch>

using namespace EasyCrm;
using namespace EasyCrm::Db;
using Test::TestDatabase;

namespace {

const QDateTime kNow(QDate(2024, 3, 10), QTime(9, 30, 0), Qt::UTC);
const QUuid kUser = QUuid::fromString(u"3fa85f64-5717-4562-b3fc-2c963f66afa6");

} // namespace

// RFC 6749 §10.12 and RFC 9700 §4.7: a state is single use, short-lived and bound to the
// attempt that created it.
class TestPendingAuthorizations final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void consumeReturnsTheAttempt();
    void consumeRefuses_data();
    void consumeRefuses();
    void expiredIsConsumedAllTheSame();
    void onlyOneOfTwoRacingConsumersWins();
    void onlyTheHashOfTheStateIsStored();
    void purgeRemovesExpiredRows();

private:
    PendingAuthorization store(const QByteArray &state, int ttlSeconds = 600);
    std::unique_ptr<TestDatabase> m_fixture;
};

void TestPendingAuthorizations::init()
{
    m_fixture = std::make_unique<TestDatabase>();
    QVERIFY2(m_fixture->isReady(), qPrintable(m_fixture->error()));
    QVERIFY(m_fixture->migrateLikeProduction().ok());
}

void TestPendingAuthorizations::cleanup()
{
    m_fixture.reset();
}

PendingAuthorization TestPendingAuthorizations::store(const QByteArray &state, int ttlSeconds)
{
    PendingAuthorization p;
    p.userId = kUser;
    p.providerKey = QStringLiteral("sandbox");
    p.stateHash = PendingAuthorizationRepository::hashState(state);
    p.protectedCodeVerifier = QStringLiteral("CfDJ8verifier");
    p.redirectUri = QStringLiteral("http://127.0.0.1:49152/api/integrations/social/callback");
    p.requestedScopes = {QStringLiteral("openid"), QStringLiteral("offline_access")};
    p.creationTime = kNow;
    p.expiresAt = kNow.addSecs(ttlSeconds);
    const Result<void> inserted = PendingAuthorizationRepository(m_fixture->db()).insert(p);
    if (!inserted)
        qWarning() << inserted.error().detail;
    return p;
}

void TestPendingAuthorizations::consumeReturnsTheAttempt()
{
    const PendingAuthorization stored = store("state-ok");
    PendingAuthorizationRepository repo(m_fixture->db());
    const auto consumed =
        repo.consume(PendingAuthorizationRepository::hashState("state-ok"), kNow.addSecs(30));
    QVERIFY(consumed.ok());
    QCOMPARE(consumed.value().id, stored.id);
    QCOMPARE(consumed.value().userId, kUser);
    QCOMPARE(consumed.value().protectedCodeVerifier, QStringLiteral("CfDJ8verifier"));
    QCOMPARE(consumed.value().redirectUri, stored.redirectUri);
    QCOMPARE(consumed.value().requestedScopes, stored.requestedScopes);
    QCOMPARE(consumed.value().consumedTime, kNow.addSecs(30));
    QCOMPARE(consumed.value().expiresAt, kNow.addSecs(600));
    QVERIFY(consumed.value().concurrencyStamp != stored.concurrencyStamp);
}

void TestPendingAuthorizations::consumeRefuses_data()
{
    QTest::addColumn<QByteArray>("presented");
    QTest::addColumn<int>("secondsLater");
    QTest::addColumn<bool>("consumeFirst");
    QTest::addColumn<ErrorCode>("expected");
    QTest::newRow("unknown-state") << QByteArray("forged") << 10 << false << ErrorCode::NotFound;
    QTest::newRow("empty-state") << QByteArray() << 10 << false << ErrorCode::NotFound;
    QTest::newRow("expired-state") << QByteArray("state") << 601 << false << ErrorCode::Expired;
    QTest::newRow("expires-at-exactly-now")
        << QByteArray("state") << 600 << false << ErrorCode::Expired;
    QTest::newRow("reused-state") << QByteArray("state") << 20 << true << ErrorCode::AlreadyUsed;
    QTest::newRow("reused-after-expiry")
        << QByteArray("state") << 900 << true << ErrorCode::AlreadyUsed;
}

void TestPendingAuthorizations::consumeRefuses()
{
    QFETCH(QByteArray, presented);
    QFETCH(int, secondsLater);
    QFETCH(bool, consumeFirst);
    QFETCH(ErrorCode, expected);
    store("state");
    PendingAuthorizationRepository repo(m_fixture->db());
    if (consumeFirst)
        QVERIFY(repo.consume(PendingAuthorizationRepository::hashState("state"), kNow).ok());
    const auto refused = repo.consume(PendingAuthorizationRepository::hashState(presented),
                                      kNow.addSecs(secondsLater));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, expected);
    QVERIFY(!refused.error().message.isEmpty());
}

void TestPendingAuthorizations::expiredIsConsumedAllTheSame()
{
    store("late");
    PendingAuthorizationRepository repo(m_fixture->db());
    const QString hash = PendingAuthorizationRepository::hashState("late");
    QCOMPARE(repo.consume(hash, kNow.addSecs(700)).error().code, ErrorCode::Expired);
    QCOMPARE(repo.consume(hash, kNow.addSecs(701)).error().code, ErrorCode::AlreadyUsed);
}

void TestPendingAuthorizations::onlyOneOfTwoRacingConsumersWins()
{
    // Two callbacks with the same state, each on its own thread and connection — two
    // browser tabs, or an attacker replaying the redirect.
    for (int round = 0; round < 10; ++round) {
        const QByteArray state = "race-" + QByteArray::number(round);
        store(state);
        const QString hash = PendingAuthorizationRepository::hashState(state);
        std::latch start(2);
        QList<ErrorCode> outcomes(2, ErrorCode::DatabaseError);
        QList<QThread *> threads;
        for (int i = 0; i < 2; ++i) {
            threads << QThread::create([&, i] {
                auto connection = m_fixture->openConnection();
                start.arrive_and_wait();
                if (!connection)
                    return;
                const auto consumed = PendingAuthorizationRepository(*connection.value())
                                          .consume(hash, kNow.addSecs(5));
                outcomes[i] = consumed.ok() ? ErrorCode::None : consumed.error().code;
            });
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(20000));
            delete thread;
        }
        QCOMPARE(outcomes.count(ErrorCode::None), 1);
        QCOMPARE(outcomes.count(ErrorCode::AlreadyUsed), 1);
    }
}

void TestPendingAuthorizations::onlyTheHashOfTheStateIsStored()
{
    const QByteArray state = "x7Jq0-the-raw-state-value";
    const PendingAuthorization stored = store(state);
    QCOMPARE(stored.stateHash.size(), 64);
    QCOMPARE(
        stored.stateHash,
        QString::fromLatin1(QCryptographicHash::hash(state, QCryptographicHash::Sha256).toHex()));
    const QVariantMap raw =
        m_fixture->row(QStringLiteral("SocialCrmPendingAuthorizations"), stored.id);
    QVERIFY(!raw.isEmpty());
    for (auto it = raw.cbegin(); it != raw.cend(); ++it)
        QVERIFY2(!it.value().toString().contains(QString::fromLatin1(state)), qPrintable(it.key()));
}

void TestPendingAuthorizations::purgeRemovesExpiredRows()
{
    store("short", 60);
    store("long", 600);
    PendingAuthorizationRepository repo(m_fixture->db());
    const Result<int> purged = repo.purgeExpired(kNow.addSecs(120));
    QVERIFY(purged.ok());
    QCOMPARE(purged.value(), 1);
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmPendingAuthorizations")), 1);
    QCOMPARE(repo.consume(PendingAuthorizationRepository::hashState("short"), kNow).error().code,
             ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(TestPendingAuthorizations)
#include "tst_pendingauthorizations.moc"
