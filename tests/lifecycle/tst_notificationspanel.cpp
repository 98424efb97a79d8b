// The notifications panel on the offscreen platform: what the user sees of a connection
// that needs re-authentication, and the action that takes them to Settings.
#include "core/db/notificationrepository.h"
#include "core/service/workspace.h"
#include "models/notificationmodel.h"
#include "ui/notificationspanel.h"

#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
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
    void showsTheReauthNoticeAndOpensSettings();
};

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
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    // 1. Empty: says so, nothing to mark.
    QPushButton *markAll = button(panel, QStringLiteral("Mark all as read"));
    QPushButton *openSettingsButton = button(panel, QStringLiteral("Open Settings"));
    QVERIFY(markAll && openSettingsButton);
    QVERIFY(!panel.view()->isVisible());
    QVERIFY(!markAll->isEnabled());

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
    QVERIFY(markAll->isEnabled());
    QCOMPARE(panel.view()->model()->index(0, 0).data().toString(), notification.message);

    // 3. Its action opens Settings.
    QSignalSpy openSettings(&panel, &Ui::NotificationsPanel::openSettingsRequested);
    QTest::mouseClick(openSettingsButton, Qt::LeftButton);
    QCOMPARE(openSettings.size(), 1);
}

QTEST_MAIN(TestNotificationsPanel)
#include "tst_notificationspanel.moc"
