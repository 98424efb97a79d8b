// A lost PostgreSQL connection: the server ends the session (pg_terminate_backend, as an
// administrator or a restart would). The call that meets the dead session fails, the next
// use outside a transaction reopens it with the same settings; inside a transaction it stays
// dead until the transaction ends, so no part of a flow is silently redone in autocommit mode.
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "tests/pgfaults/pgfaultsupport.h"
#include "tests/support/postgrescrm.h"

#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

const QString kLostMessage = QStringLiteral("The connection to the CRM database was lost. "
                                            "Try again.");

Result<void> insertProbe(Db::Database &db, int id)
{
    return Db::execRaw(db, QStringLiteral("INSERT INTO \"Probes\" (\"Id\") VALUES (%1)").arg(id),
                       QStringLiteral("probe.insert"));
}

} // namespace

class TestReconnect final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void lostSessionFailsOnceThenReopens();
    void lostTransactionIsNeverRedone_data();
    void lostTransactionIsNeverRedone();
    void lostInsideSavepointEndsBothLevels();
    void otherFailuresKeepTheirMessage();

private:
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Db::Database> m_db;
    std::unique_ptr<Db::Database> m_admin; // the second connection that ends sessions
};

void TestReconnect::initTestCase()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run through tests/db/with-postgres.sh");
}

void TestReconnect::init()
{
    PostgresCrmOptions options;
    options.contents = PostgresCrmOptions::Contents::Empty;
    auto crm = createPostgresCrm(QStringLiteral("reconnect"), options);
    QVERIFY2(crm.ok(), qPrintable(crm.ok() ? QString() : crm.error().detail));
    m_crm = crm.value();
    auto db = Db::Database::openPostgres(m_crm->settings);
    auto admin = Db::Database::openPostgres(m_crm->settings);
    QVERIFY(db.ok() && admin.ok());
    m_db = std::move(db).value();
    m_admin = std::move(admin).value();
    QVERIFY(Db::execRaw(*m_admin,
                        QStringLiteral("CREATE TABLE \"Probes\" (\"Id\" integer PRIMARY KEY)"),
                        QStringLiteral("probe.create")));
}

void TestReconnect::cleanup()
{
    m_db.reset();
    m_admin.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm));
    m_crm.reset();
}

void TestReconnect::lostSessionFailsOnceThenReopens()
{
    const int before = backendPid(*m_db);
    QVERIFY(before > 0);
    QVERIFY(terminateBackend(*m_admin, before));

    // 1. The call that meets the dead session fails, and says why in words a person can use.
    const Result<void> failed = insertProbe(*m_db, 1);
    QVERIFY(!failed);
    QCOMPARE(failed.error().code, ErrorCode::DatabaseError);
    QVERIFY(m_db->connectionLost());
    QCOMPARE(m_db->explainFailure(failed.error()).message, kLostMessage);
    QCOMPARE(m_db->explainFailure(failed.error()).detail, failed.error().detail);

    // 2. The next one runs on a new session.
    QVERIFY(insertProbe(*m_db, 2));
    QVERIFY(!m_db->connectionLost());
    QCOMPARE(m_db->reopenCount(), 1);
    QVERIFY(backendPid(*m_db) != before);
    QCOMPARE(countRows(*m_admin, QStringLiteral("Probes")), 1);
}

void TestReconnect::lostTransactionIsNeverRedone_data()
{
    QTest::addColumn<int>("statementsBefore");
    QTest::newRow("right-after-begin") << 0;
    QTest::newRow("between-statements") << 1;
    QTest::newRow("before-commit") << 2;
}

void TestReconnect::lostTransactionIsNeverRedone()
{
    QFETCH(int, statementsBefore);
    {
        Db::Transaction transaction(*m_db);
        QVERIFY(transaction.begin());
        for (int id = 1; id <= statementsBefore; ++id)
            QVERIFY(insertProbe(*m_db, id));
        QVERIFY(terminateBackend(*m_admin, backendPid(*m_db)));

        // A careless caller that goes on after a failure still writes nothing: inside the
        // transaction the session is not reopened.
        for (int id = statementsBefore + 1; id <= 2; ++id)
            QVERIFY(!insertProbe(*m_db, id));
        const Result<void> committed = transaction.commit();
        QVERIFY(!committed);
        QCOMPARE(m_db->explainFailure(committed.error()).message, kLostMessage);
        QVERIFY(!transaction.isActive());
        QCOMPARE(m_db->reopenCount(), 0);
    }
    QVERIFY(!m_db->inTransaction());
    QCOMPARE(countRows(*m_admin, QStringLiteral("Probes")), 0);

    // The next transaction runs on a new session and commits.
    Db::Transaction next(*m_db);
    QVERIFY(next.begin());
    QVERIFY(insertProbe(*m_db, 3));
    QVERIFY(next.commit());
    QCOMPARE(m_db->reopenCount(), 1);
    QCOMPARE(countRows(*m_admin, QStringLiteral("Probes")), 1);
}

void TestReconnect::lostInsideSavepointEndsBothLevels()
{
    Db::Transaction outer(*m_db);
    QVERIFY(outer.begin());
    QVERIFY(insertProbe(*m_db, 1));
    {
        Db::Transaction savepoint(*m_db);
        QVERIFY(savepoint.begin());
        QVERIFY(terminateBackend(*m_admin, backendPid(*m_db)));
        QVERIFY(!insertProbe(*m_db, 2));
    } // rolled back: quietly, the server already ended the whole transaction
    QVERIFY(m_db->inTransaction());
    QVERIFY(!outer.commit());
    QVERIFY(!m_db->inTransaction());
    QCOMPARE(countRows(*m_admin, QStringLiteral("Probes")), 0);
    QVERIFY(insertProbe(*m_db, 3));
    QCOMPARE(countRows(*m_admin, QStringLiteral("Probes")), 1);
}

void TestReconnect::otherFailuresKeepTheirMessage()
{
    QVERIFY(insertProbe(*m_db, 1));
    const Result<void> duplicate = insertProbe(*m_db, 1);
    QVERIFY(!duplicate);
    QVERIFY(!m_db->connectionLost());
    QCOMPARE(m_db->explainFailure(duplicate.error()).message, duplicate.error().message);
    QVERIFY(m_db->explainFailure(duplicate.error()).message != kLostMessage);
    QCOMPARE(m_db->reopenCount(), 0);
}

QTEST_GUILESS_MAIN(TestReconnect)
#include "tst_reconnect.moc"
