#include "core/common/error.h"
#include "core/common/ids.h"
#include "core/common/secret.h"

#include <QMetaEnum>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace EasyCrm;

class TestIds final : public QObject
{
    Q_OBJECT

private slots:
    void concurrencyStampIsAbpShaped();
    void guidsAreVersion4AndDistinct();
    void wipeClearsOwnedSecret();
    void everyErrorCodeHasAName();
};

void TestIds::concurrencyStampIsAbpShaped()
{
    static const QRegularExpression shape(QStringLiteral("^[0-9a-f]{32}$"));
    const QString stamp = Ids::newConcurrencyStamp();
    QVERIFY2(shape.match(stamp).hasMatch(), qPrintable(stamp));
    QVERIFY(stamp != Ids::newConcurrencyStamp());
}

void TestIds::guidsAreVersion4AndDistinct()
{
    QSet<QUuid> seen;
    for (int i = 0; i < 1000; ++i) {
        const QUuid id = Ids::newGuid();
        QCOMPARE(id.version(), QUuid::Random);
        seen.insert(id);
    }
    QCOMPARE(seen.size(), 1000);
}

void TestIds::wipeClearsOwnedSecret()
{
    QByteArray secret("refresh-token-value");
    wipe(secret);
    QVERIFY(secret.isEmpty());

    QByteArray shared("shared-value");
    const QByteArray otherHolder = shared;
    wipe(shared);
    QVERIFY(shared.isEmpty());
    QCOMPARE(otherHolder, QByteArray("shared-value"));
}

void TestIds::everyErrorCodeHasAName()
{
    const QMetaEnum codes = QMetaEnum::fromType<ErrorCode>();
    QVERIFY(codes.keyCount() > 30);
    for (int i = 0; i < codes.keyCount(); ++i)
        QCOMPARE(errorCodeName(static_cast<ErrorCode>(codes.value(i))),
                 QString::fromLatin1(codes.key(i)));
    QCOMPARE(errorCodeName(static_cast<ErrorCode>(9999)), QStringLiteral("Unknown"));
    QCOMPARE(errorCodeName(ErrorCode::MacMismatch), QStringLiteral("MacMismatch"));
    QCOMPARE(errorCodeName(ErrorCode::StateMismatch), QStringLiteral("StateMismatch"));
}

QTEST_GUILESS_MAIN(TestIds)
#include "tst_ids.moc"
