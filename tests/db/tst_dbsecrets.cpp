#include "dbtestsupport.h"

#include "core/db/repositories.h"
#include "core/db/writers.h"

#include <QLoggingCategory>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Db;
using Test::TestDatabase;

namespace {

QStringList g_messages;

void capture(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_messages << message;
}

const QString kToken = QStringLiteral("CfDJ8-SECRET-ACCESS-TOKEN-7f3a");
const QString kVerifier = QStringLiteral("CfDJ8-SECRET-VERIFIER-91bc");

} // namespace

// Bound values can be tokens, verifiers or secrets: the log and the errors carry stages
// and outcomes only, even with debug output on and statements failing.
class TestDbSecrets final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void neitherLogNorErrorsCarryBoundValues();
};

void TestDbSecrets::init()
{
    QLoggingCategory::setFilterRules(QStringLiteral("easycrm.db.debug=true"));
    g_messages.clear();
    qInstallMessageHandler(capture);
}

void TestDbSecrets::cleanup()
{
    qInstallMessageHandler(nullptr);
    QLoggingCategory::setFilterRules(QString());
}

void TestDbSecrets::neitherLogNorErrorsCarryBoundValues()
{
    TestDatabase fixture;
    QVERIFY2(fixture.isReady(), qPrintable(fixture.error()));
    QVERIFY(fixture.migrateLikeProduction().ok());
    QList<Error> errors;

    IntegrationConnection c;
    c.ownerUserId = QUuid::createUuid();
    c.providerKey = QStringLiteral("x");
    c.protectedAccessToken = kToken;
    c.protectedRefreshToken = kToken;
    c.creationTime = QDateTime::currentDateTimeUtc();
    ConnectionRepository connections(fixture.db());
    QVERIFY(connections.insert(c).ok());
    IntegrationConnection duplicate = c;
    duplicate.id = QUuid();
    errors << connections.insert(duplicate).error();
    errors << connections.update(c, kToken).error();
    c.ownerUserId.reset(); // violates the owner-or-brand check
    c.id = QUuid();
    errors << connections.insert(c).error();

    PendingAuthorization p;
    p.userId = QUuid::createUuid();
    p.providerKey = QStringLiteral("x");
    p.stateHash = PendingAuthorizationRepository::hashState("state");
    p.protectedCodeVerifier = kVerifier;
    p.redirectUri = QStringLiteral("http://127.0.0.1/cb");
    p.creationTime = QDateTime::currentDateTimeUtc();
    p.expiresAt = p.creationTime.addSecs(60);
    PendingAuthorizationRepository pendings(fixture.db());
    QVERIFY(pendings.insert(p).ok());
    PendingAuthorization again = p;
    again.id = QUuid();
    errors << pendings.insert(again).error();
    errors << pendings.consume(kToken, p.creationTime).error();

    QVERIFY(!g_messages.isEmpty()); // debug output was on
    for (const Error &error : std::as_const(errors)) {
        QVERIFY(error.isError());
        for (const QString &secret : {kToken, kVerifier}) {
            QVERIFY2(!error.message.contains(secret), qPrintable(error.message));
            QVERIFY2(!error.detail.contains(secret), qPrintable(error.detail));
        }
    }
    for (const QString &message : std::as_const(g_messages)) {
        QVERIFY2(!message.contains(kToken), qPrintable(message));
        QVERIFY2(!message.contains(kVerifier), qPrintable(message));
    }
}

QTEST_GUILESS_MAIN(TestDbSecrets)
#include "tst_dbsecrets.moc"
