#include "ui/notificationspanel.h"

#include <QAbstractItemModel>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

NotificationsPanel::NotificationsPanel(QAbstractItemModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QListView(this))
    , m_empty(new QLabel(tr("No notifications."), this))
    , m_openSettings(new QPushButton(tr("Open Settings"), this))
    , m_markAllRead(new QPushButton(tr("Mark all as read"), this))
{
    m_view->setModel(model);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(true);
    m_view->setAccessibleName(tr("Notifications"));

    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_markAllRead);
    buttons->addWidget(m_openSettings);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view);
    layout->addWidget(m_empty);
    layout->addLayout(buttons);

    connect(m_openSettings, &QPushButton::clicked, this,
            &NotificationsPanel::openSettingsRequested);
    connect(m_markAllRead, &QPushButton::clicked, this, &NotificationsPanel::markAllReadRequested);
    connect(m_view, &QListView::activated, this,
            [this](const QModelIndex &index) { emit activated(index.row()); });
    connect(model, &QAbstractItemModel::modelReset, this, &NotificationsPanel::updateEmptyState);
    connect(model, &QAbstractItemModel::rowsInserted, this, &NotificationsPanel::updateEmptyState);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &NotificationsPanel::updateEmptyState);
    updateEmptyState();
}

void NotificationsPanel::updateEmptyState()
{
    const bool empty = m_model->rowCount() == 0;
    m_view->setVisible(!empty);
    m_empty->setVisible(empty);
    m_markAllRead->setEnabled(!empty);
}

} // namespace EasyCrm::Ui
