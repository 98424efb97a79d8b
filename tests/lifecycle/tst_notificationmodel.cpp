// The in-app notifications over SocialCrmNotifications, checked by Qt's model tester.
#include "core/db/database.h"
#include "core/db/notificationrepository.h"
#include "core/service/workspace.h"
#include "models/notificationmodel.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using EasyCrm::Models::NotificationsModel;

class TestNotificationModel final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void listsTheUsersNotificationsNewestFirst();
    void otherUsersNotificationsAreNotShown();
    void markReadIsStoredAndCounted();
    void reloadAnnouncesOnlyNewUnreadOnes();

private:
    QUuid notify(const QString &message, qint64 ageSeconds, const QUuid &user = {});
    std::unique_ptr<NotificationsModel> makeModel();

    QTemporaryDir m_dir;
    SystemClock m_clock;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    int m_run = 0;
};

void TestNotificationModel::init()
{
    auto workspace = Workspace::openEmbedded(
        m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run)), m_clock);
    QVERIFY(workspace.ok());
    m_workspace = std::move(workspace).value();
}

void TestNotificationModel::cleanup()
{
    m_tester.reset();
    m_workspace.reset();
}

QUuid TestNotificationModel::notify(const QString &message, qint64 ageSeconds, const QUuid &user)
{
    Db::Notification notification;
    notification.tenantId = m_workspace->user().tenantId;
    notification.userId = user.isNull() ? m_workspace->user().userId : user;
    notification.kind = QStringLiteral("ConnectionRequiresReauth");
    notification.message = message;
    notification.creationTime = QDateTime::currentDateTimeUtc().addSecs(-ageSeconds);
    if (!Db::NotificationRepository(m_workspace->database()).insert(notification))
        return {};
    return notification.id;
}

std::unique_ptr<NotificationsModel> TestNotificationModel::makeModel()
{
    auto model = std::make_unique<NotificationsModel>(
        m_workspace->database(), m_workspace->user().tenantId, m_workspace->user().userId);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    return model;
}

void TestNotificationModel::listsTheUsersNotificationsNewestFirst()
{
    const QUuid older =
        notify(QStringLiteral("Your LinkedIn connection needs re-authentication"), 120);
    const QUuid newer = notify(QStringLiteral("Your X connection needs re-authentication"), 10);
    auto model = makeModel();
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(model->reload().ok());

    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->index(0).data(NotificationsModel::IdRole).toUuid(), newer);
    QCOMPARE(model->index(1).data(NotificationsModel::IdRole).toUuid(), older);
    QCOMPARE(model->index(0).data().toString(),
             QStringLiteral("Your X connection needs re-authentication"));
    QCOMPARE(model->index(0).data(NotificationsModel::KindRole).toString(),
             QStringLiteral("ConnectionRequiresReauth"));
    QVERIFY(model->index(0).data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model->unreadCount(), 2);
    QCOMPARE(model->roleNames().value(NotificationsModel::MessageRole), QByteArray("message"));
}

void TestNotificationModel::otherUsersNotificationsAreNotShown()
{
    notify(QStringLiteral("for someone else"), 0, QUuid::createUuid());
    auto model = makeModel();
    QVERIFY(model->reload().ok());
    QCOMPARE(model->rowCount(), 0);
}

void TestNotificationModel::markReadIsStoredAndCounted()
{
    notify(QStringLiteral("one"), 20);
    notify(QStringLiteral("two"), 10);
    auto model = makeModel();
    QVERIFY(model->reload().ok());
    QSignalSpy unread(model.get(), &NotificationsModel::unreadCountChanged);
    QSignalSpy changed(model.get(), &QAbstractItemModel::dataChanged);

    QVERIFY(model->markRead(0).ok());
    QCOMPARE(model->unreadCount(), 1);
    QCOMPARE(unread.size(), 1);
    QCOMPARE(changed.size(), 1);
    QVERIFY(!model->index(0).data(Qt::FontRole).value<QFont>().bold());

    // Stored: a fresh model over the same database sees it read.
    auto again = std::make_unique<NotificationsModel>(
        m_workspace->database(), m_workspace->user().tenantId, m_workspace->user().userId);
    QVERIFY(again->reload().ok());
    QCOMPARE(again->unreadCount(), 1);
    QVERIFY(model->markAllRead().ok());
    QCOMPARE(model->unreadCount(), 0);
}

void TestNotificationModel::reloadAnnouncesOnlyNewUnreadOnes()
{
    notify(QStringLiteral("already there"), 60);
    auto model = makeModel();
    QSignalSpy arrived(model.get(), &NotificationsModel::notificationsArrived);
    QVERIFY(model->reload().ok());
    QCOMPARE(arrived.size(), 0); // what was there at start is not news

    const QUuid fresh =
        notify(QStringLiteral("Your Sandbox connection needs re-authentication"), 0);
    QVERIFY(model->reload().ok());
    QCOMPARE(arrived.size(), 1);
    const auto items = arrived.first().first().value<QList<Db::Notification>>();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first().id, fresh);
    QCOMPARE(model->rowCount(), 2);

    QVERIFY(model->reload().ok());
    QCOMPARE(arrived.size(), 1);
}

QTEST_MAIN(TestNotificationModel)
#include "tst_notificationmodel.moc"
