#include "core/common/error.h"
#include "core/common/ids.h"
#include "core/common/secret.h"

#include <QMetaEnum>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <optional>

using namespace EasyCrm;

class TestIds final : public QObject
{
    Q_OBJECT

private slots:
    void concurrencyStampIsAbpShaped();
    void guidsAreVersion4AndDistinct();
    void wipeClearsOwnedSecret();
    void wipeClearsOwnedSecretText();
    void secretStringKeepsTheTextUntilItsLastCopyGoes();
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

void TestIds::wipeClearsOwnedSecretText()
{
    QString typed = QStringLiteral("crm-") + QString::number(4711); // a buffer of its own
    QVERIFY(typed.isDetached());
    wipe(typed);
    QVERIFY(typed.isEmpty());

    // A buffer someone else still holds is theirs: let go of, not overwritten.
    QString shared = QStringLiteral("shared-") + QString::number(4711);
    const QString otherHolder = shared;
    wipe(shared);
    QVERIFY(shared.isEmpty());
    QCOMPARE(otherHolder, QStringLiteral("shared-4711"));

    // A literal lives in read-only memory: only let go of.
    QString literal = QStringLiteral("literal-password");
    wipe(literal);
    QVERIFY(literal.isEmpty());
}

void TestIds::secretStringKeepsTheTextUntilItsLastCopyGoes()
{
    std::optional<SecretString> first(SecretString(QStringLiteral("pw-") + QString::number(42)));
    SecretString second = *first;
    first.reset();
    QCOMPARE(second.text(), QStringLiteral("pw-42"));
    SecretString third;
    third = second;
    second.clear();
    QVERIFY(second.isEmpty());
    QCOMPARE(third.text(), QStringLiteral("pw-42"));
    third = third; // assigning to itself keeps it
    QCOMPARE(third.text(), QStringLiteral("pw-42"));
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
