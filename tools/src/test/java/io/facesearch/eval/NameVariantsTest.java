package io.facesearch.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NameVariantsTest {

  @Test
  void lfw_spellings_of_one_person_are_variants() {
    assertTrue(NameVariants.sameName("Chyung_Dai-chul", "Dai_Chul_Chyung"));
    assertTrue(NameVariants.sameName("Hasan_Wirayuda", "Hassan_Wirajuda"));
    assertTrue(NameVariants.sameName("Noer_Moeis", "Noer_Muis"));
    assertTrue(NameVariants.sameName("Bill_Pryor", "William_Pryor_Jr"));
    assertTrue(NameVariants.sameName("Hugo_Chavez", "Hugo_Chavez_Frias"));
  }

  @Test
  void different_people_are_not() {
    assertFalse(NameVariants.sameName("Claire_Hentzen", "Morgan_Hentzen"));
    assertFalse(NameVariants.sameName("Bart_Hendricks", "Ricky_Ray"));
    assertFalse(NameVariants.sameName("Saddam_Hussein", "Vicente_Fox"));
    assertFalse(NameVariants.sameName("George_W_Bush", "Laura_Bush"));
  }
}
