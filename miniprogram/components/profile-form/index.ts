/** A patient's profile form (name, sex, birth date, notes), for adding a patient and for editing one. */
import { defineComponent } from '../../common/component';
import { PROFILE_LIMITS } from '../../lib/core';
import { emptyForm, type ProfileForm, profileFrom, SEXES } from './model';

defineComponent({
  properties: {
    /** Initial values; the form keeps its own copy while the user types. */
    initial: { type: Object, value: null as ProfileForm | null },
    submitText: { type: String, value: '保存' },
    busy: { type: Boolean, value: false },
    /** An error from the server, shown under the form. */
    error: { type: String, value: '' },
    today: { type: String, value: '' },
  },
  data: { form: emptyForm(), sexes: SEXES.map((s) => s.label), localError: '', maxContacts: PROFILE_LIMITS.maxContacts },
  observers: {
    initial(v: ProfileForm | null) {
      this.setData({ form: v ? { ...v } : emptyForm(), localError: '' });
    },
  },
  methods: {
    onInput(e: WechatMiniprogram.Input & { currentTarget: { dataset: { field: 'name' | 'notes' | 'phone' } } }) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value, localError: '' });
    },
    onContactInput(e: WechatMiniprogram.Input & { currentTarget: { dataset: { index: number; field: 'name' | 'relation' | 'phone' } } }) {
      const { index, field } = e.currentTarget.dataset;
      this.setData({ [`form.contacts[${Number(index)}].${field}`]: e.detail.value, localError: '' });
    },
    onAddContact() {
      if (this.data.form.contacts.length >= PROFILE_LIMITS.maxContacts) return;
      this.setData({ 'form.contacts': [...this.data.form.contacts, { name: '', relation: '', phone: '' }] });
    },
    onRemoveContact(e: WechatMiniprogram.TouchEvent<{}, {}, { index: number }>) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({ 'form.contacts': this.data.form.contacts.filter((_, j) => j !== i), localError: '' });
    },
    onSex(e: WechatMiniprogram.PickerChange) {
      this.setData({ 'form.sexIndex': Number(e.detail.value) });
    },
    onBirth(e: WechatMiniprogram.PickerChange) {
      this.setData({ 'form.birthDate': String(e.detail.value) });
    },
    onSubmit() {
      if (this.data.busy) return;
      const checked = profileFrom(this.data.form);
      if (!checked.ok) return this.setData({ localError: checked.message });
      this.triggerEvent('submit', { profile: checked.profile });
    },
    onCancel() {
      this.triggerEvent('cancel', {});
    },
  },
});
