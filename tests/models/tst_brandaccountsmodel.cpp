// The brand accounts of Settings — Social Integration — Brand Accounts as an item model: the
// model checker on every kind of change, the exact state texts with the relative time kept
// current, and which actions each state offers (Remove only once the whole account holds no
// live connection).
#include "models/brandaccountsmodel.h"
#include "models/translations.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace EasyCrm;
using EasyCrm::Models::BrandAccountsModel;
using Action = EasyCrm::Models::BrandAccountsModel::Action;
using Actions = EasyCrm::Models::BrandAccountsModel::Actions;

Q_DECLARE_METATYPE(EasyCrm::Models::BrandAccountsModel::Actions)

namespace {

const QDateTime kNow(QDate(2024, 5, 6), QTime(10, 0), Qt::UTC);

QUuid idOf(int n)
{
    return QUuid(QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 10, QLatin1Char('0')));
}

BrandAccountStatus brand(int account, const char *name, ConnectionState state,
                         const QString &handle = {}, const QDateTime &lastSync = {},
                         int connection = -1)
{
    BrandAccountStatus s;
    s.brandAccountId = idOf(account);
    s.name = QString::fromUtf8(name);
    s.providerKey = QStringLiteral("sandbox");
    s.providerName = QStringLiteral("Sandbox");
    s.connectionId = idOf(100 + (connection < 0 ? account : connection));
    s.state = state;
    s.externalHandle = handle;
    s.lastSyncUtc = lastSync;
    return s;
}

QList<BrandAccountStatus> samplePage()
{
    BrandAccountStatus reauth = brand(2, "Acme Support", ConnectionState::RequiresReauth,
                                      QStringLiteral("acmesupport"), kNow.addSecs(-7200));
    reauth.statusReason = QStringLiteral("RefreshTokenRejected");
    return {brand(1, "Acme", ConnectionState::Connected, QStringLiteral("acme"), kNow), reauth,
            brand(3, "Acme Jobs", ConnectionState::NotConnected)};
}

QString textAt(const BrandAccountsModel &model, int row)
{
    return model.index(row).data(BrandAccountsModel::StateTextRole).toString();
}

Actions actionsAt(const BrandAccountsModel &model, int row)
{
    return model.index(row).data(BrandAccountsModel::ActionsRole).value<Actions>();
}

} // namespace

class TestBrandAccountsModel final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passesModelTester();
    void rolesCarryTheStatus();
    void stateText_data();
    void stateText();
    void relativeTimeFollowsTheClock();
    void timerKeepsRelativeTimeCurrent();
    void reasonText_data();
    void reasonText();
    void actionsFollowState_data();
    void actionsFollowState();
    void removeWaitsForEveryConnectionOfTheAccount();
    void sameRowsChangeInPlace();
    void otherRowsResetTheModel();
    void findsByConnectionAndAccount();
};

void TestBrandAccountsModel::initTestCase()
{
    QVERIFY(Models::installTranslations(*QCoreApplication::instance(), QLocale::c()));
}

void TestBrandAccountsModel::passesModelTester()
{
    ManualClock clock(kNow);
    BrandAccountsModel model(&clock);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStatuses(samplePage());
    QCOMPARE(model.rowCount(), 3);
    QList<BrandAccountStatus> changed = samplePage();
    changed[1].state = ConnectionState::Connected;
    model.setStatuses(changed);
    clock.advance(3600);
    model.refresh();
    model.setStatuses(samplePage().mid(1));
    model.setStatuses({});
    QCOMPARE(model.rowCount(), 0);
}

void TestBrandAccountsModel::rolesCarryTheStatus()
{
    ManualClock clock(kNow);
    BrandAccountsModel model(&clock);
    model.setStatuses(samplePage());
    const QModelIndex reauth = model.index(1);
    QCOMPARE(reauth.data().toString(), QStringLiteral("Acme Support"));
    QCOMPARE(reauth.data(BrandAccountsModel::NameRole).toString(), QStringLiteral("Acme Support"));
    QCOMPARE(reauth.data(BrandAccountsModel::BrandAccountIdRole).toUuid(), idOf(2));
    QCOMPARE(reauth.data(BrandAccountsModel::ConnectionIdRole).toUuid(), idOf(102));
    QCOMPARE(reauth.data(BrandAccountsModel::ProviderKeyRole).toString(),
             QStringLiteral("sandbox"));
    QCOMPARE(reauth.data(BrandAccountsModel::ProviderNameRole).toString(),
             QStringLiteral("Sandbox"));
    QCOMPARE(reauth.data(BrandAccountsModel::StateRole).value<ConnectionState>(),
             ConnectionState::RequiresReauth);
    QCOMPARE(reauth.data(BrandAccountsModel::HandleRole).toString(), QStringLiteral("acmesupport"));
    QCOMPARE(reauth.data(BrandAccountsModel::StatusReasonRole).toString(),
             QStringLiteral("RefreshTokenRejected"));
    const QString reason = QStringLiteral(
        "Sandbox no longer accepts the stored refresh token: it was revoked or it expired.");
    QCOMPARE(reauth.data(BrandAccountsModel::ReasonTextRole).toString(), reason);
    QCOMPARE(reauth.data(Qt::ToolTipRole).toString(), reason);
    QVERIFY(model.index(0).data(BrandAccountsModel::ReasonTextRole).toString().isEmpty());
    QVERIFY(!model.index(0).data(Qt::ToolTipRole).isValid());
    QCOMPARE(model.index(0).data(BrandAccountsModel::LastSyncRole).toDateTime(), kNow);
    QVERIFY(model.roleNames().contains(BrandAccountsModel::ActionsRole));
}

void TestBrandAccountsModel::stateText_data()
{
    QTest::addColumn<BrandAccountStatus>("status");
    QTest::addColumn<QString>("expected");

    QTest::newRow("not-connected")
        << brand(1, "Acme", ConnectionState::NotConnected) << QStringLiteral("Not Connected");
    QTest::newRow("requires-reauth")
        << brand(1, "Acme", ConnectionState::RequiresReauth) << QStringLiteral("Requires Re-auth");
    QTest::newRow("connected-just-now")
        << brand(1, "Acme", ConnectionState::Connected, QStringLiteral("acme"), kNow)
        << QStringLiteral("Connected as @acme. Last sync: just now.");
    QTest::newRow("handle-already-with-at")
        << brand(1, "Acme", ConnectionState::Connected, QStringLiteral("@acme@mastodon.social"),
                 kNow.addSecs(-3 * 3600))
        << QStringLiteral("Connected as @acme@mastodon.social. Last sync: 3 hours ago.");
    QTest::newRow("never-synced") << brand(1, "Acme", ConnectionState::Connected,
                                           QStringLiteral("acme"))
                                  << QStringLiteral("Connected as @acme. Last sync: never.");
    BrandAccountStatus displayNameOnly = brand(1, "Acme", ConnectionState::Connected, {}, kNow);
    displayNameOnly.externalDisplayName = QStringLiteral("Acme Channel");
    QTest::newRow("no-handle-uses-display-name")
        << displayNameOnly << QStringLiteral("Connected as Acme Channel. Last sync: just now.");
    BrandAccountStatus noConnection = brand(1, "Acme", ConnectionState::NotConnected);
    noConnection.connectionId = QUuid();
    noConnection.providerKey.clear();
    QTest::newRow("no-connection-at-all") << noConnection << QStringLiteral("Not Connected");
}

void TestBrandAccountsModel::stateText()
{
    QFETCH(BrandAccountStatus, status);
    QFETCH(QString, expected);

    ManualClock clock(kNow);
    BrandAccountsModel model(&clock);
    model.setStatuses({status});
    QCOMPARE(textAt(model, 0), expected);
}

void TestBrandAccountsModel::relativeTimeFollowsTheClock()
{
    ManualClock clock(kNow);
    BrandAccountsModel model(&clock);
    model.setStatuses(samplePage());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.refresh();
    QCOMPARE(changed.size(), 0); // nothing moved: nothing signalled

    clock.advance(61);
    model.refresh();
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @acme. Last sync: 1 minute ago."));
    // Only the connected row's text moved; the others have no time in it.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(),
             QList<int>{BrandAccountsModel::StateTextRole});

    clock.advance(2 * 86400);
    model.refresh();
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @acme. Last sync: 2 days ago."));
}

void TestBrandAccountsModel::timerKeepsRelativeTimeCurrent()
{
    ManualClock clock(kNow);
    BrandAccountsModel model(&clock);
    QCOMPARE(model.refreshInterval(), BrandAccountsModel::kDefaultRefreshInterval);
    model.setRefreshInterval(std::chrono::milliseconds(20));
    model.setStatuses(samplePage());
    clock.advance(3600);
    QTRY_COMPARE(textAt(model, 0), QStringLiteral("Connected as @acme. Last sync: 1 hour ago."));
}

void TestBrandAccountsModel::reasonText_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");
    const int reauth = static_cast<int>(ConnectionState::RequiresReauth);
    QTest::newRow("access-token-expired")
        << reauth << QStringLiteral("AccessTokenExpired")
        << QStringLiteral("The access token expired, and Sandbox gives no refresh token to "
                          "renew it.");
    QTest::newRow("client-rejected") << reauth << QStringLiteral("ClientRejected")
                                     << QStringLiteral("Sandbox rejected EasyCRM's client "
                                                       "registration. Ask your administrator to "
                                                       "check the provider configuration.");
    QTest::newRow("no-code") << reauth << QString()
                             << QStringLiteral("The provider no longer accepts the stored tokens.");
    QTest::newRow("unknown-code-shown-as-is")
        << reauth << QStringLiteral("ServerSaidSo") << QStringLiteral("ServerSaidSo");
    // A disconnect records its own reason; it is not a reason to re-authenticate.
    QTest::newRow("disconnected") << static_cast<int>(ConnectionState::NotConnected)
                                  << QStringLiteral("Disconnected") << QString();
}

void TestBrandAccountsModel::reasonText()
{
    QFETCH(int, state);
    QFETCH(QString, code);
    QFETCH(QString, expected);
    BrandAccountStatus status = brand(1, "Acme", static_cast<ConnectionState>(state));
    status.statusReason = code;
    QCOMPARE(BrandAccountsModel::reasonText(status), expected);
}

void TestBrandAccountsModel::actionsFollowState_data()
{
    QTest::addColumn<BrandAccountStatus>("status");
    QTest::addColumn<Actions>("expected");

    QTest::newRow("connected") << brand(1, "Acme", ConnectionState::Connected)
                               << Actions(Action::Disconnect | Action::Details);
    QTest::newRow("requires-reauth")
        << brand(1, "Acme", ConnectionState::RequiresReauth)
        << Actions(Action::Reconnect | Action::Disconnect | Action::Details);
    QTest::newRow("disconnected") << brand(1, "Acme", ConnectionState::NotConnected)
                                  << Actions(Action::Remove | Action::Details);
    BrandAccountStatus noConnection = brand(1, "Acme", ConnectionState::NotConnected);
    noConnection.connectionId = QUuid();
    QTest::newRow("no-connection-at-all") << noConnection << Actions(Action::Remove);
}

void TestBrandAccountsModel::actionsFollowState()
{
    QFETCH(BrandAccountStatus, status);
    QFETCH(Actions, expected);

    BrandAccountsModel model;
    model.setStatuses({status});
    QCOMPARE(actionsAt(model, 0), expected);
}

void TestBrandAccountsModel::removeWaitsForEveryConnectionOfTheAccount()
{
    // One account connected at two places (the server allows it): one of them disconnected.
    const QList<BrandAccountStatus> rows{
        brand(1, "Acme", ConnectionState::NotConnected, {}, {}, 1),
        brand(1, "Acme", ConnectionState::Connected, QStringLiteral("acme"), kNow, 2)};
    BrandAccountsModel model;
    model.setStatuses(rows);
    QVERIFY(!actionsAt(model, 0).testFlag(Action::Remove));

    // The other one is disconnected too: both rows offer Remove, both rows are signalled.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QList<BrandAccountStatus> disconnected = rows;
    disconnected[1].state = ConnectionState::NotConnected;
    model.setStatuses(disconnected);
    QCOMPARE(changed.size(), 2);
    QVERIFY(actionsAt(model, 0).testFlag(Action::Remove));
    QVERIFY(actionsAt(model, 1).testFlag(Action::Remove));
}

void TestBrandAccountsModel::sameRowsChangeInPlace()
{
    ManualClock clock(kNow);
    BrandAccountsModel model(&clock);
    model.setStatuses(samplePage());
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    QList<BrandAccountStatus> repaired = samplePage();
    repaired[1].state = ConnectionState::Connected;
    repaired[1].lastSyncUtc = kNow;
    repaired[1].statusReason.clear();
    model.setStatuses(repaired);

    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(textAt(model, 1), QStringLiteral("Connected as @acmesupport. Last sync: just now."));

    model.setStatuses(repaired);
    QCOMPARE(changed.size(), 1); // the same again: nothing signalled
}

void TestBrandAccountsModel::otherRowsResetTheModel()
{
    BrandAccountsModel model;
    model.setStatuses(samplePage());
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    QList<BrandAccountStatus> added = samplePage();
    added.append(brand(4, "Acme News", ConnectionState::Connected));
    model.setStatuses(added);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 4);

    // A reconnect that became a new connection of the same account is another row.
    added[0].connectionId = idOf(999);
    model.setStatuses(added);
    QCOMPARE(reset.size(), 2);
}

void TestBrandAccountsModel::findsByConnectionAndAccount()
{
    BrandAccountsModel model;
    model.setStatuses(samplePage());
    QCOMPARE(model.rowOfConnection(idOf(102)), 1);
    QCOMPARE(model.rowOfConnection(QUuid()), -1);
    QCOMPARE(model.rowOfConnection(idOf(555)), -1);
    QCOMPARE(model.statusOfConnection(idOf(103))->name, QStringLiteral("Acme Jobs"));
    QCOMPARE(model.statusOfAccount(idOf(1))->connectionId, idOf(101));
    QVERIFY(!model.statusOfAccount(idOf(42)));
}

QTEST_GUILESS_MAIN(TestBrandAccountsModel)
#include "tst_brandaccountsmodel.moc"
