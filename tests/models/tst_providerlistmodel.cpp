#include "models/connectionreasons.h"
#include "models/providerlistmodel.h"
#include "models/translations.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace EasyCrm;
using EasyCrm::Models::ProviderListModel;

namespace {

const QDateTime kNow(QDate(2024, 5, 6), QTime(10, 0), Qt::UTC);

ProviderStatus status(const char *key, ConnectionState state, const QString &handle = {},
                      const QDateTime &lastSync = {}, bool configured = true)
{
    ProviderStatus s;
    s.providerKey = QString::fromLatin1(key);
    s.providerName = s.providerKey.toUpper();
    s.configured = configured;
    s.state = state;
    s.externalHandle = handle;
    s.lastSyncUtc = lastSync;
    return s;
}

// A connection nothing renews, warned of from `warnedFor` before it expires.
ProviderStatus expiring(qint64 expiresInSeconds, const QString &handle = QStringLiteral("alice"),
                        qint64 warnedFor = 7 * 86400)
{
    ProviderStatus s = status("mastodon", ConnectionState::Connected, handle, kNow);
    s.expiresAtUtc = kNow.addSecs(expiresInSeconds);
    s.expiryWarningUtc = s.expiresAtUtc.addSecs(-warnedFor);
    return s;
}

QList<ProviderStatus> samplePage()
{
    return {status("sandbox", ConnectionState::Connected, QStringLiteral("alice"), kNow),
            status("linkedin", ConnectionState::RequiresReauth, QStringLiteral("acme")),
            status("x", ConnectionState::NotConnected, {}, {}, false),
            status("facebook", ConnectionState::NotConnected)};
}

QString textAt(const ProviderListModel &model, int row)
{
    return model.index(row).data(ProviderListModel::StateTextRole).toString();
}

} // namespace

class TestProviderListModel final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passesModelTester();
    void stateText_data();
    void stateText();
    void expiringText_data();
    void expiringText();
    void expiringTextAppearsAndCountsDown();
    void newExpiryChangesTheRowInPlace();
    void relativeTimeBoundaries_data();
    void relativeTimeBoundaries();
    void displayAndToolTip();
    void actionFollowsState_data();
    void actionFollowsState();
    void refreshSignalsOnlyChangedStateTexts();
    void timerKeepsRelativeTimeCurrent();
    void sameProvidersChangeRowsInPlace();
    void otherProvidersResetTheModel();
    void statusForFindsByKey();
    void reasonTextOnlyWhenDegraded_data();
    void reasonTextOnlyWhenDegraded();
    void historyReasonsInWords_data();
    void historyReasonsInWords();
};

void TestProviderListModel::initTestCase()
{
    QVERIFY(Models::installTranslations(*QCoreApplication::instance(), QLocale::c()));
}

void TestProviderListModel::passesModelTester()
{
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStatuses(samplePage());
    QCOMPARE(model.rowCount(), 4);
    QList<ProviderStatus> changed = samplePage();
    changed[2].state = ConnectionState::Connected;
    model.setStatuses(changed);
    clock.advance(3600);
    model.refresh();
    model.setStatuses(samplePage().mid(1));
    model.setStatuses({});
    QCOMPARE(model.rowCount(), 0);
}

void TestProviderListModel::stateText_data()
{
    QTest::addColumn<ProviderStatus>("status");
    QTest::addColumn<QString>("expected");

    QTest::newRow("not-connected")
        << status("x", ConnectionState::NotConnected) << QStringLiteral("Not Connected");
    QTest::newRow("requires-reauth") << status("linkedin", ConnectionState::RequiresReauth)
                                     << QStringLiteral("Requires Re-auth");
    QTest::newRow("handle-without-at")
        << status("x", ConnectionState::Connected, QStringLiteral("alice"), kNow)
        << QStringLiteral("Connected as @alice. Last sync: just now.");
    QTest::newRow("handle-already-with-at")
        << status("mastodon", ConnectionState::Connected, QStringLiteral("@bob@example.social"),
                  kNow)
        << QStringLiteral("Connected as @bob@example.social. Last sync: just now.");
    QTest::newRow("handle-with-percent-sign")
        << status("x", ConnectionState::Connected, QStringLiteral("100%1"), kNow)
        << QStringLiteral("Connected as @100%1. Last sync: just now.");
    QTest::newRow("never-synced") << status("x", ConnectionState::Connected,
                                            QStringLiteral("alice"))
                                  << QStringLiteral("Connected as @alice. Last sync: never.");
    QTest::newRow("unconfigured-but-connected")
        << status("x", ConnectionState::Connected, QStringLiteral("alice"), kNow, false)
        << QStringLiteral("Connected as @alice. Last sync: just now.");

    ProviderStatus displayNameOnly = status("youtube", ConnectionState::Connected, {}, kNow);
    displayNameOnly.externalDisplayName = QStringLiteral("Acme Channel");
    QTest::newRow("no-handle-uses-display-name")
        << displayNameOnly << QStringLiteral("Connected as Acme Channel. Last sync: just now.");
}

void TestProviderListModel::stateText()
{
    QFETCH(ProviderStatus, status);
    QFETCH(QString, expected);

    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses({status});
    QCOMPARE(textAt(model, 0), expected);
    QCOMPARE(model.index(0).data(ProviderListModel::StateRole).value<ConnectionState>(),
             status.state);
    QCOMPARE(model.index(0).data(ProviderListModel::HandleRole).toString(), status.externalHandle);
}

void TestProviderListModel::expiringText_data()
{
    QTest::addColumn<ProviderStatus>("status");
    QTest::addColumn<QString>("expected");

    const auto connectedAs = [](const char *left) {
        return QStringLiteral("Connected as @alice. Expires in %1 — reconnect to keep it working.")
            .arg(QLatin1String(left));
    };
    constexpr qint64 day = 86400;
    QTest::newRow("before-the-warning")
        << expiring(7 * day + 1) << QStringLiteral("Connected as @alice. Last sync: just now.");
    QTest::newRow("warning-starts") << expiring(7 * day) << connectedAs("7 days");
    QTest::newRow("3-days-5-hours") << expiring(3 * day + 5 * 3600) << connectedAs("3 days");
    QTest::newRow("1-day") << expiring(day) << connectedAs("1 day");
    QTest::newRow("23-hours-59") << expiring(day - 1) << connectedAs("23 hours");
    QTest::newRow("1-hour") << expiring(3600) << connectedAs("1 hour");
    QTest::newRow("2-minutes") << expiring(120) << connectedAs("2 minutes");
    QTest::newRow("1-minute") << expiring(60) << connectedAs("1 minute");
    QTest::newRow("59-seconds") << expiring(59) << connectedAs("less than a minute");
    QTest::newRow("expired-before-the-sweep-marks-it")
        << expiring(0)
        << QStringLiteral("Connected as @alice. Access has expired — reconnect to restore it.");
    QTest::newRow("handle-with-at-and-percent")
        << expiring(2 * day, QStringLiteral("@100%1"))
        << QStringLiteral("Connected as @100%1. Expires in 2 days — reconnect to keep it working.");
    QTest::newRow("no-handle") << expiring(2 * day, QString())
                               << QStringLiteral("Connected. Expires in 2 days — reconnect to "
                                                 "keep it working.");
    QTest::newRow("no-handle-expired")
        << expiring(-5, QString())
        << QStringLiteral("Connected. Access has expired — reconnect to restore it.");

    ProviderStatus reauth = expiring(-5);
    reauth.state = ConnectionState::RequiresReauth;
    QTest::newRow("requires-reauth-wins") << reauth << QStringLiteral("Requires Re-auth");
    ProviderStatus renewed = expiring(3600);
    renewed.expiryWarningUtc = QDateTime();
    QTest::newRow("renewed-automatically")
        << renewed << QStringLiteral("Connected as @alice. Last sync: just now.");
}

void TestProviderListModel::expiringText()
{
    QFETCH(ProviderStatus, status);
    QFETCH(QString, expected);

    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStatuses({status});
    QCOMPARE(textAt(model, 0), expected);
    QCOMPARE(model.stateText(status), expected);
}

void TestProviderListModel::expiringTextAppearsAndCountsDown()
{
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses({expiring(7 * 86400 + 60)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Last sync: just now."));
    QVERIFY(!model.index(0).data(ProviderListModel::ExpiringRole).toBool());

    // 1. The warning time comes: the row says so at the next refresh, no new status needed.
    clock.advance(60);
    model.refresh();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(),
             QList<int>({ProviderListModel::StateTextRole, ProviderListModel::ExpiringRole}));
    QVERIFY(model.index(0).data(ProviderListModel::ExpiringRole).toBool());
    QCOMPARE(
        textAt(model, 0),
        QStringLiteral("Connected as @alice. Expires in 7 days — reconnect to keep it working."));

    // 2. It counts down, and the timer keeps it current.
    model.setRefreshInterval(std::chrono::milliseconds(10));
    clock.advance(4 * 86400);
    QTRY_COMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Expires in 3 days — "
                                                  "reconnect to keep it working."));
    clock.advance(3 * 86400 - 1);
    QTRY_COMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Expires in less than a "
                                                  "minute — reconnect to keep it working."));
}

void TestProviderListModel::newExpiryChangesTheRowInPlace()
{
    // Reconnected: the service reports the new expiry; the warning goes, without a reset.
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses({expiring(3600)});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setStatuses({expiring(60 * 86400)});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Last sync: just now."));
}

void TestProviderListModel::relativeTimeBoundaries_data()
{
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("expected");

    QTest::newRow("same-second") << qint64(0) << QStringLiteral("just now");
    QTest::newRow("59-seconds") << qint64(59) << QStringLiteral("just now");
    QTest::newRow("sync-ahead-of-local-clock") << qint64(-90) << QStringLiteral("just now");
    QTest::newRow("60-seconds") << qint64(60) << QStringLiteral("1 minute ago");
    QTest::newRow("119-seconds") << qint64(119) << QStringLiteral("1 minute ago");
    QTest::newRow("120-seconds") << qint64(120) << QStringLiteral("2 minutes ago");
    QTest::newRow("59-minutes-59") << qint64(3599) << QStringLiteral("59 minutes ago");
    QTest::newRow("1-hour") << qint64(3600) << QStringLiteral("1 hour ago");
    QTest::newRow("2-hours") << qint64(7200) << QStringLiteral("2 hours ago");
    QTest::newRow("23-hours-59") << qint64(86399) << QStringLiteral("23 hours ago");
    QTest::newRow("1-day") << qint64(86400) << QStringLiteral("1 day ago");
    QTest::newRow("45-days") << qint64(45 * 86400) << QStringLiteral("45 days ago");
}

void TestProviderListModel::relativeTimeBoundaries()
{
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, expected);

    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses({status("x", ConnectionState::Connected, QStringLiteral("alice"),
                              kNow.addSecs(-secondsAgo))});
    QCOMPARE(model.relativeTime(kNow.addSecs(-secondsAgo)), expected);
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Last sync: %1.").arg(expected));
}

void TestProviderListModel::displayAndToolTip()
{
    ProviderListModel model;
    QList<ProviderStatus> statuses = samplePage();
    statuses[1].statusReason = QStringLiteral("The refresh token was revoked.");
    model.setStatuses(statuses);

    QCOMPARE(model.index(2).data(Qt::DisplayRole).toString(), QStringLiteral("X"));
    QCOMPARE(model.index(2).data(ProviderListModel::ProviderKeyRole).toString(),
             QStringLiteral("x"));
    QCOMPARE(model.index(2).data(ProviderListModel::ConfiguredRole).toBool(), false);
    QCOMPARE(model.index(2).data(Qt::ToolTipRole).toString(),
             QStringLiteral("Contact your administrator to enable this provider"));
    QCOMPARE(model.index(1).data(Qt::ToolTipRole).toString(),
             QStringLiteral("The refresh token was revoked."));
    QVERIFY(!model.index(3).data(Qt::ToolTipRole).isValid());
    QCOMPARE(model.index(0).data(ProviderListModel::LastSyncRole).toDateTime(), kNow);
    QCOMPARE(model.roleNames().value(ProviderListModel::StateTextRole), "stateText");
}

void TestProviderListModel::actionFollowsState_data()
{
    QTest::addColumn<ConnectionState>("state");
    QTest::addColumn<bool>("configured");
    QTest::addColumn<ProviderListModel::Action>("action");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("enabled");

    using A = ProviderListModel::Action;
    QTest::newRow("not-connected")
        << ConnectionState::NotConnected << true << A::Connect << QStringLiteral("Connect") << true;
    QTest::newRow("not-connected-unconfigured") << ConnectionState::NotConnected << false
                                                << A::Connect << QStringLiteral("Connect") << false;
    QTest::newRow("connected") << ConnectionState::Connected << true << A::Disconnect
                               << QStringLiteral("Disconnect") << true;
    QTest::newRow("connected-provider-since-disabled")
        << ConnectionState::Connected << false << A::Disconnect << QStringLiteral("Disconnect")
        << true;
    QTest::newRow("requires-reauth") << ConnectionState::RequiresReauth << true << A::Reconnect
                                     << QStringLiteral("Reconnect") << true;
    QTest::newRow("requires-reauth-unconfigured")
        << ConnectionState::RequiresReauth << false << A::Reconnect << QStringLiteral("Reconnect")
        << false;
}

void TestProviderListModel::actionFollowsState()
{
    QFETCH(ConnectionState, state);
    QFETCH(bool, configured);
    QFETCH(ProviderListModel::Action, action);
    QFETCH(QString, text);
    QFETCH(bool, enabled);

    ProviderListModel model;
    model.setStatuses({status("x", state, QStringLiteral("alice"), {}, configured)});
    const QModelIndex row = model.index(0);
    QCOMPARE(row.data(ProviderListModel::ActionRole).value<ProviderListModel::Action>(), action);
    QCOMPARE(row.data(ProviderListModel::ActionTextRole).toString(), text);
    QCOMPARE(row.data(ProviderListModel::ActionEnabledRole).toBool(), enabled);
}

void TestProviderListModel::refreshSignalsOnlyChangedStateTexts()
{
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses(samplePage());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // 1. Nothing moved yet: no signal at all.
    clock.advance(30);
    model.refresh();
    QCOMPARE(changed.count(), 0);

    // 2. The connected row crosses a minute; only it changes, and only its state text.
    clock.advance(30);
    model.refresh();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), model.index(0));
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>(), model.index(0));
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{ProviderListModel::StateTextRole});
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Last sync: 1 minute ago."));
    QCOMPARE(textAt(model, 1), QStringLiteral("Requires Re-auth"));
}

void TestProviderListModel::timerKeepsRelativeTimeCurrent()
{
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    QCOMPARE(model.refreshInterval(), std::chrono::milliseconds(30'000));
    model.setStatuses(samplePage());
    QCOMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Last sync: just now."));

    model.setRefreshInterval(std::chrono::milliseconds(10));
    clock.advance(2 * 3600);
    QTRY_COMPARE(textAt(model, 0), QStringLiteral("Connected as @alice. Last sync: 2 hours ago."));
}

void TestProviderListModel::sameProvidersChangeRowsInPlace()
{
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses(samplePage());
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    QList<ProviderStatus> next = samplePage();
    next[1].state = ConnectionState::Connected;
    next[1].lastSyncUtc = kNow;
    model.setStatuses(next);

    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), model.index(1));
    QCOMPARE(textAt(model, 1), QStringLiteral("Connected as @acme. Last sync: just now."));

    model.setStatuses(next);
    QCOMPARE(changed.count(), 1);
}

void TestProviderListModel::otherProvidersResetTheModel()
{
    ProviderListModel model;
    model.setStatuses(samplePage());
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    QList<ProviderStatus> reordered = samplePage();
    reordered.swapItemsAt(0, 3);
    model.setStatuses(reordered);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.index(0).data(ProviderListModel::ProviderKeyRole).toString(),
             QStringLiteral("facebook"));
}

void TestProviderListModel::statusForFindsByKey()
{
    ProviderListModel model;
    model.setStatuses(samplePage());
    const std::optional<ProviderStatus> linkedin = model.statusFor(QStringLiteral("linkedin"));
    QVERIFY(linkedin);
    QCOMPARE(linkedin->state, ConnectionState::RequiresReauth);
    QCOMPARE(model.rowOf(QStringLiteral("x")), 2);
    QVERIFY(!model.statusFor(QStringLiteral("myspace")));
    QCOMPARE(model.rowOf(QStringLiteral("myspace")), -1);
}

void TestProviderListModel::reasonTextOnlyWhenDegraded_data()
{
    QTest::addColumn<ConnectionState>("state");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");

    // A disconnect stores "Disconnected": shown, it would only repeat "Not Connected".
    QTest::newRow("disconnected") << ConnectionState::NotConnected << QStringLiteral("Disconnected")
                                  << QString();
    QTest::newRow("connected-after-recovery")
        << ConnectionState::Connected << QStringLiteral("RefreshRecovered") << QString();
    QTest::newRow("refresh-token-rejected")
        << ConnectionState::RequiresReauth << QStringLiteral("RefreshTokenRejected")
        << QStringLiteral("LinkedIn no longer accepts the stored refresh token: it was revoked "
                          "or it expired.");
    QTest::newRow("unknown-code-as-is")
        << ConnectionState::RequiresReauth << QStringLiteral("SomethingNew")
        << QStringLiteral("SomethingNew");
}

void TestProviderListModel::reasonTextOnlyWhenDegraded()
{
    QFETCH(ConnectionState, state);
    QFETCH(QString, code);
    QFETCH(QString, expected);
    ProviderStatus s = status("linkedin", state);
    s.providerName = QStringLiteral("LinkedIn");
    s.statusReason = code;
    ManualClock clock(kNow);
    ProviderListModel model(&clock);
    model.setStatuses({s});
    QCOMPARE(model.index(0).data(ProviderListModel::ReasonTextRole).toString(), expected);
    QCOMPARE(model.index(0).data(ProviderListModel::StatusReasonRole).toString(), code);
}

void TestProviderListModel::historyReasonsInWords_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");

    QTest::newRow("created") << QStringLiteral("SocialConnectionCreated")
                             << QStringLiteral("Connected");
    QTest::newRow("reconnected") << QStringLiteral("SocialConnectionReconnected")
                                 << QStringLiteral("Reconnected");
    QTest::newRow("revoked") << QStringLiteral("SocialConnectionRevoked")
                             << QStringLiteral("Disconnected");
    QTest::newRow("refresh-rejected") << QStringLiteral("RefreshTokenRejected")
                                      << QStringLiteral("Refresh token revoked or expired");
    QTest::newRow("expired-without-refresh")
        << QStringLiteral("AccessTokenExpired")
        << QStringLiteral("Access token expired without a refresh token");
    QTest::newRow("unknown-code-as-is")
        << QStringLiteral("SomethingNew") << QStringLiteral("SomethingNew");
}

void TestProviderListModel::historyReasonsInWords()
{
    QFETCH(QString, code);
    QFETCH(QString, expected);
    QCOMPARE(Models::ConnectionReasons::historyText(code), expected);
}

QTEST_GUILESS_MAIN(TestProviderListModel)
#include "tst_providerlistmodel.moc"
