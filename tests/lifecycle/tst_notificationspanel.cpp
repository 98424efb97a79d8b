// The notifications panel on the offscreen platform: what the user sees of a connection
// that needs re-authentication, and the action that takes them to Settings.
#include "core/db/notificationrepository.h"
#include "core/service/workspace.h"
#include "models/notificationmodel.h"
#include "tests/ui/screenshot.h"
#include "ui/notificationspanel.h"

#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QStringListModel>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;

namespace {

QPushButton *button(const QWidget &panel, const QString &text)
{
    for (QPushButton *candidate : panel.findChildren<QPushButton *>()) {
        if (candidate->text() == text)
            return candidate;
    }
    return nullptr;
}

} // namespace

class TestNotificationsPanel final : public QObject
{
    Q_OBJECT

private slots:
    void looksLikeTheOtherPages();
    void showsTheReauthNoticeAndOpensSettings();
};

// The same header as every other page: its title and a one-line description, in their look.
void TestNotificationsPanel::looksLikeTheOtherPages()
{
    QStringListModel model;
    Ui::NotificationsPanel panel(&model);
    const auto *title = panel.findChild<QLabel *>(QStringLiteral("pageTitle"));
    QVERIFY(title);
    QCOMPARE(title->text(), QStringLiteral("Notifications"));
    QVERIFY(title->font().pointSizeF() > panel.font().pointSizeF());
    const auto *description = panel.findChild<QLabel *>(QStringLiteral("pageDescription"));
    QVERIFY(description && !description->text().isEmpty());
    QCOMPARE(panel.objectName(), QStringLiteral("notificationsPanel"));
    QVERIFY(panel.styleSheet().contains(u"QWidget#notificationsPanel"));
    QVERIFY(!button(panel, QStringLiteral("Open Settings")));
}

void TestNotificationsPanel::showsTheReauthNoticeAndOpensSettings()
{
    QTemporaryDir dir;
    SystemClock clock;
    auto workspace = Workspace::openEmbedded(dir.filePath(QStringLiteral("crm.sqlite")), clock);
    QVERIFY(workspace.ok());
    Workspace &crm = *workspace.value();
    Models::NotificationsModel model(crm.database(), crm.user().tenantId, crm.user().userId);
    QVERIFY(model.reload().ok());
    Ui::NotificationsPanel panel(&model);
    panel.resize(760, 520);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    // 1. Empty: says so, nothing to mark.
    QPushButton *markAll = button(panel, QStringLiteral("Mark all as read"));
    QPushButton *openSettingsButton = button(panel, QStringLiteral("Open Social Integration"));
    QVERIFY(markAll && openSettingsButton);
    QVERIFY(!panel.view()->isVisible());
    auto *emptyState = panel.findChild<QWidget *>(QStringLiteral("notificationsEmptyState"));
    QVERIFY(emptyState && emptyState->isVisible());
    QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("emptyTitle"))->text(),
             QStringLiteral("No notifications"));
    QVERIFY(!markAll->isEnabled());
    QVERIFY(!Testing::saveScreenshot(panel, QStringLiteral("notifications-empty")).isEmpty());

    // 2. A re-auth notification arrives and is listed with the product's text.
    Db::Notification notification;
    notification.tenantId = crm.user().tenantId;
    notification.userId = crm.user().userId;
    notification.kind = QStringLiteral("ConnectionRequiresReauth");
    notification.message = QStringLiteral("Your Sandbox connection needs re-authentication");
    notification.creationTime = clock.nowUtc();
    QVERIFY(Db::NotificationRepository(crm.database()).insert(notification).ok());
    QVERIFY(model.reload().ok());
    QVERIFY(panel.view()->isVisible());
    QVERIFY(!emptyState->isVisible());
    QVERIFY(markAll->isEnabled());
    QCOMPARE(panel.view()->model()->index(0, 0).data().toString(), notification.message);
    QVERIFY(!Testing::saveScreenshot(panel, QStringLiteral("notifications-listed")).isEmpty());

    // 3. Its action says where it leads: Social Integration, where Reconnect is.
    QSignalSpy openSettings(&panel, &Ui::NotificationsPanel::openSettingsRequested);
    QTest::mouseClick(openSettingsButton, Qt::LeftButton);
    QCOMPARE(openSettings.size(), 1);
}

QTEST_MAIN(TestNotificationsPanel)
#include "tst_notificationspanel.moc"
