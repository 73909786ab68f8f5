from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from council.models import AgendaItem, AgendaKind, CouncilMember, DecisionKind, Meeting
from cycles.models import Cycle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = ["full_name", "role", "position", "term_start", "term_end", "user"]
        widgets = {"term_start": DATE, "term_end": DATE}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        territory_ids = [council.territory_id, council.territory.parent_id]
        self.fields["user"].queryset = (
            User.objects.filter(memberships__role=Role.COUNCIL, memberships__territory_id__in=territory_ids)
            .distinct()
            .order_by("last_name", "username")
        )
        self.fields["user"].help_text = _("Учётная запись секретаря или председателя для ведения записей совета.")


class MeetingForm(forms.ModelForm):
    online_link = forms.URLField(
        label=_("ссылка на видеоконференцию"), required=False, assume_scheme="https", max_length=500
    )

    class Meta:
        model = Meeting
        fields = ["number", "date", "time", "place", "online", "online_link", "cycle", "invited"]
        widgets = {
            "date": DATE,
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "invited": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.filter(territory=council.territory).order_by("-year")
        self.fields["number"].help_text = _("Пусто — следующий номер в году.")


class AgendaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид вопроса"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("Формулировка (пусто — стандартная)"), required=False, max_length=1000)
    speaker = forms.CharField(label=_("Докладчик"), required=False, max_length=300)
    discussion = forms.CharField(label=_("Слушали"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("Вопрос повестки"), queryset=AgendaItem.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Вид решения"), choices=DecisionKind.choices)
    target = forms.ModelChoiceField(
        label=_("Что утверждается (цикл оценки)"), queryset=Cycle.objects.none(), required=False
    )
    text = forms.CharField(label=_("Текст решения"), widget=forms.Textarea(attrs={"rows": 3}))
    votes_for = forms.IntegerField(label=_("За"), min_value=0, initial=0)
    votes_against = forms.IntegerField(label=_("Против"), min_value=0, initial=0)
    votes_abstained = forms.IntegerField(label=_("Воздержались"), min_value=0, initial=0)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda.all()
        self.fields["target"].queryset = Cycle.objects.filter(territory=meeting.council.territory).order_by("-year")
